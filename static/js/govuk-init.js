// Starts every GOV.UK Frontend component on the page (error summary focus, character count, tabs, menus...).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
