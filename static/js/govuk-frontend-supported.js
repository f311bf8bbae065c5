// Runs first in <body>, before anything is drawn: GOV.UK Frontend styles its components for JavaScript only when
// these classes are present. A static file because the Content Security Policy allows no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
