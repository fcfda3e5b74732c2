#!/usr/bin/env node
// The `lake` command: the compiled entry point (build with `pnpm build`; the workspace's
// `pnpm lake` runs the TypeScript sources instead).
import '../dist/main.js';
