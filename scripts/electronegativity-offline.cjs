// Preloaded (`node --require`) into electronegativity's CLI by scripts/electronegativity-check.ts, to
// make two of its habits harmless:
// - It fetches translations (and Electron's release list) with `got`; offline, a got retry racing its
//   own timeout throws an uncaught error and kills the scan. Its got is replaced by one that fails at
//   once, so the scan runs offline, quickly and the same every time (the bundled en-US texts are used).
// - It writes the CSV header and the rows with two concurrent `fs.writeFile` calls ('w' then 'a'), so
//   the rows can be lost or overwritten by the header. Writes to one path are queued in call order here.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- loaded with `node --require`, so CommonJS */
const fs = require('node:fs');
const Module = require('node:module');
const { sep } = require('node:path');

const electronegativityDir = `${sep}@doyensec${sep}electronegativity${sep}`;
const offlineGot = () => Promise.reject(new Error('network disabled for the offline electronegativity scan'));
const load = Module._load;
Module._load = function loadWithoutNetwork(request, parent, isMain) {
  const fromElectronegativity =
    parent && typeof parent.filename === 'string' && parent.filename.includes(electronegativityDir);
  if (request === 'got' && fromElectronegativity) return offlineGot;
  return load.call(this, request, parent, isMain);
};

const writeFile = fs.writeFile;
const pending = new Map();
fs.writeFile = function queuedWriteFile(file, data, ...rest) {
  const callback = typeof rest[rest.length - 1] === 'function' ? rest.pop() : () => {};
  const key = String(file);
  const previous = pending.get(key) ?? Promise.resolve();
  const next = previous.then(
    () =>
      new Promise((resolve) => {
        writeFile.call(fs, file, data, ...rest, (error) => {
          resolve();
          callback(error);
        });
      }),
  );
  pending.set(key, next);
};
