// Loaded before decap-cms.js: the editor waits for citoyens-editor.js to register its format.
window.CMS_MANUAL_INIT = true;
