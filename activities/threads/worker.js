// Entry point of a pool thread: threads do not inherit the TypeScript loader, so register it here.
require('tsx/cjs/api').register();
module.exports = require('./tasks.ts');
