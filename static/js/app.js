// Entry point for every page: wire the forms, show what the last save said, then load the
// page's own module (body[data-page] -> ./pages/<name>.js) when it has one.
import { showRemembered } from './flash.js';
import { bindForms } from './forms.js';
import './shell.js';

bindForms(document);
showRemembered();

const PAGE = /^[a-z][a-z-]*$/;
const name = document.body.dataset.page;
if (name && PAGE.test(name)) {
  import(`./pages/${name}.js`).then((page) => page.start?.(document));
}
