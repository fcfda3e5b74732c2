// Child-process entry that runs an s3rver (S3-protocol test server) on a loopback port.
// argv: <data folder> <bucket>... ; prints one JSON line {"port": n} once listening.
// Exits when its parent goes away (stdin closes), so a crashed test run leaves no server or data behind.
// Patched where s3rver departs from S3 (see s3rver-patches.cjs).
'use strict';

const fs = require('fs');
const S3rver = require('s3rver');

require('./s3rver-patches.cjs');

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});

server.run().then(
  (address) => process.stdout.write(`${JSON.stringify({ port: address.port })}\n`),
  (error) => {
    process.stderr.write(`s3rver failed to start: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);

// The data folder is scratch, so there is nothing to flush: remove it and leave at once rather
// than wait for clients' keep-alive sockets to close.
const shutdown = () => {
  fs.rmSync(directory, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();
