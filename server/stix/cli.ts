import { streamStixMapCli } from "./stix-map-cli";

process.stdin.setEncoding("utf8");
const outcome = await streamStixMapCli(
  process.argv.slice(2),
  process.stdin,
  (text) =>
    new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    }),
  new Date(),
);
process.stderr.write(outcome.stderr);
process.exitCode = outcome.exitCode;
