// Runs the CLI from source for tests that need a real separate process (crash, concurrency).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
