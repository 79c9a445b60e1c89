"""The web pages, one router per part of the product; `web.app` mounts them all."""
