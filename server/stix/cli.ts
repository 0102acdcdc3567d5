import { text } from "node:stream/consumers";
import { runStixMapCli } from "./stix-map-cli";

const outcome = runStixMapCli(process.argv.slice(2), await text(process.stdin), new Date());
process.stdout.write(outcome.stdout);
process.stderr.write(outcome.stderr);
process.exitCode = outcome.exitCode;
