// Netlify build plugin: citoyens' build folders kept from one deploy to the next.
//
// Each Netlify build starts from a fresh clone. Given back the last build's
// folders, `citoyens build` rebuilds only the sites whose files changed (their
// bytes, not their times), renders only the pages that changed, converts only
// new Markdown and processes only new photos; without them every deploy is a
// cold build of the whole network.
//
// The folders are those of citoyens_ssg/workpaths.py (a test checks they match).
const FOLDERS = [".citoyens", "output", ".output.manifests"];

module.exports = {
  async onPreBuild({ utils }) {
    await utils.cache.restore(FOLDERS);
  },
  // After a successful build only: a failed one leaves nothing worth keeping.
  async onPostBuild({ utils }) {
    await utils.cache.save(FOLDERS);
  },
};
