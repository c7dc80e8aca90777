// Flags for the system Chromium that Karma and Playwright both launch: it runs as root in a
// container (no sandbox, small /dev/shm, no GPU) on a machine whose network is closed, so every
// background connection Chromium would make is switched off rather than left to fail.
module.exports = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
