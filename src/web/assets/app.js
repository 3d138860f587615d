// Progressive enhancement only: every form and link works without this file.
// An error summary takes the focus when the page shows one, so a screen reader reads it first.
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('[data-autofocus="true"]')
  if (summary instanceof HTMLElement) summary.focus()
})
