// Drag a candidate card to another stage column: the move is posted with HTMX and the board re-rendered.
// A move made on a stale card is answered 409 with the board as it is now and who moved the card: shown, not
// dropped (htmx leaves error responses unswapped unless told).
document.addEventListener("htmx:beforeSwap", (e) => {
  if (e.detail.xhr.status === 409 || e.detail.xhr.status === 422) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});
document.addEventListener("dragstart", (e) => {
  const card = e.target.closest(".cardlet");
  if (card) { e.dataTransfer.setData("text/plain", JSON.stringify(card.dataset)); }
});
document.addEventListener("dragover", (e) => {
  const col = e.target.closest(".column");
  if (col) { e.preventDefault(); col.classList.add("over"); }
});
document.addEventListener("dragleave", (e) => {
  const col = e.target.closest(".column");
  if (col) { col.classList.remove("over"); }
});
document.addEventListener("drop", (e) => {
  const col = e.target.closest(".column");
  if (!col) { return; }
  e.preventDefault();
  col.classList.remove("over");
  const card = JSON.parse(e.dataTransfer.getData("text/plain"));
  if (card.stage === col.dataset.stage) { return; }
  let reason = "";
  if (col.dataset.outcome === "lost" || card.outcome !== "open") {
    reason = window.prompt("Reason for moving to " + col.querySelector("h3").innerText + "?") || "";
  }
  htmx.ajax("POST", "/board/move", {target: "#board", swap: "innerHTML",
    values: {candidate_id: card.id, stage: col.dataset.stage, version: card.version, reason: reason}});
});
