/* Small enhancements for every page. Pages work without this file. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
