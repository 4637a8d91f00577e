// Entry point for every page: wire the forms, show what the last save said.
import { showRemembered } from './flash.js';
import { bindForms } from './forms.js';

bindForms(document);
showRemembered();
