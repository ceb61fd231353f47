#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm ci` (prepare script); this shim only loads it.
import process from 'node:process';
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
