// Progressive enhancement only: the page works without this file.
// Enter submits the search box (Shift+Enter starts a new line); the box grows with its text.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("q");
  if (!box) return;
  function grow() {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight + 2, 240) + "px";
  }
  box.addEventListener("input", grow);
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (box.value.trim()) box.form.submit();
    }
  });
  grow();
});
