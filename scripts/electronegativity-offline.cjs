// Preloaded (`node --require`) into electronegativity's CLI by scripts/electronegativity-check.ts, to
// make four of its habits harmless:
// - It fetches translations (and Electron's release list) with `got`; offline, a got retry racing its
//   own timeout throws an uncaught error and kills the scan. Its got is replaced by one that fails at
//   once, so the scan runs offline, quickly and the same every time (the bundled en-US texts are used).
// - It writes the CSV header and the rows with two concurrent `fs.writeFile` calls ('w' then 'a'), so
//   the rows can be lost or overwritten by the header. Writes to one path are queued in call order here.
// - It parses .js files with Babel's `estree` plugin but without `classFeatures`, so a class field comes
//   out as Babel's own `ClassPrivateProperty`; the ESTree walker then stops at it ("Unknown node type")
//   and every check silently skips the file: Babel parsed it, the walk did not. Bundles made of class
//   private fields (all of ours) were never scanned. `classFeatures: true` gives the standard ESTree
//   nodes (`PropertyDefinition`, `PrivateIdentifier`) that the walker knows.
// - With `-o`, the CLI drops the list of files it could not scan without printing it. The files it
//   scanned and the errors it hit are written as JSON to $FERRY_ELECTRONEGATIVITY_SCAN_LOG, so the
//   check can refuse a scan that skipped something.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- loaded with `node --require`, so CommonJS */
const fs = require('node:fs');
const Module = require('node:module');
const { sep } = require('node:path');

const electronegativityDir = `${sep}@doyensec${sep}electronegativity${sep}`;
const parserModule = `${electronegativityDir}dist${sep}parser${sep}parser.js`;
const runnerModule = `${electronegativityDir}dist${sep}runner.js`;
const scanLog = process.env.FERRY_ELECTRONEGATIVITY_SCAN_LOG;
const scanned = [];

const offlineGot = () => Promise.reject(new Error('network disabled for the offline electronegativity scan'));

function withStandardClassNodes(parserExports) {
  const { Parser } = parserExports;
  const parseBabel = Parser.prototype.parseBabel;
  Parser.prototype.parseBabel = function parseBabelWithClassFeatures(content) {
    this.babelPlugins = this.babelPlugins.map((plugin) =>
      plugin === 'estree' ? ['estree', { classFeatures: true }] : plugin,
    );
    return parseBabel.call(this, content);
  };
  const parse = Parser.prototype.parse;
  Parser.prototype.parse = function parseAndRecord(filename, content) {
    const result = parse.call(this, filename, content);
    if (result[1] !== null) scanned.push(filename);
    return result;
  };
  return parserExports;
}

function withScanLog(run) {
  return async function runAndLog(options, forCli) {
    const result = await run(options, forCli);
    if (scanLog && result) {
      const errors = result.errors.map(({ file, message, tolerable }) => ({ file, message, tolerable }));
      fs.writeFileSync(scanLog, JSON.stringify({ scanned, errors }));
    }
    return result;
  };
}

const patched = new Map();
const load = Module._load;
Module._load = function loadPatched(request, parent, isMain) {
  const fromElectronegativity =
    parent && typeof parent.filename === 'string' && parent.filename.includes(electronegativityDir);
  if (!fromElectronegativity) return load.call(this, request, parent, isMain);
  if (request === 'got') return offlineGot;
  const loaded = load.call(this, request, parent, isMain);
  if (!request.startsWith('.')) return loaded;
  const filename = Module._resolveFilename(request, parent, isMain);
  if (!patched.has(filename)) {
    if (filename.endsWith(parserModule)) patched.set(filename, withStandardClassNodes(loaded));
    else if (filename.endsWith(runnerModule)) patched.set(filename, withScanLog(loaded));
    else return loaded;
  }
  return patched.get(filename);
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
