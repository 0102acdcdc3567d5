import { parseArgs } from "node:util";
import { DEFAULT_ACCESS_ID, DEFAULT_SECRET_KEY, startThreatConnectEmulator } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8410" },
    host: { type: "string", default: "127.0.0.1" },
    indicators: { type: "string", default: "50000" },
    seed: { type: "string", default: "1" },
    "access-id": { type: "string", default: DEFAULT_ACCESS_ID },
    "secret-key": { type: "string", default: DEFAULT_SECRET_KEY },
    "bad-signature-status": { type: "string", default: "401" },
  },
  strict: true,
});

function integerOption(name: string, text: string): number {
  if (!/^\d+$/.test(text)) {
    console.error(`--${name} must be a non-negative integer (got "${text}")`);
    process.exit(2);
  }
  return Number(text);
}

const badSignatureStatus = values["bad-signature-status"];
if (badSignatureStatus !== "400" && badSignatureStatus !== "401") {
  console.error(`--bad-signature-status must be 400 or 401 (got "${badSignatureStatus}")`);
  process.exit(2);
}

const startedAt = performance.now();
const emulator = await startThreatConnectEmulator({
  port: integerOption("port", values.port),
  host: values.host,
  indicators: integerOption("indicators", values.indicators),
  seed: integerOption("seed", values.seed),
  accessId: values["access-id"],
  secretKey: values["secret-key"],
}).catch((error: unknown) => {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  console.error(
    code === "EADDRINUSE"
      ? `Port ${values.port} on ${values.host} is already in use; choose another with --port`
      : `Could not start the emulator: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
emulator.control.setFaults({ badSignatureStatus: badSignatureStatus === "400" ? 400 : 401 });
// A local stand-in with a published default key: printing it is what makes the demo usable.
console.log(`ThreatConnect emulator ready in ${Math.round(performance.now() - startedAt)} ms`);
console.log(`  base URL     ${emulator.baseUrl}`);
console.log(`  access id    ${emulator.accessId}`);
console.log(`  secret key   ${emulator.secretKey}`);
console.log(`  indicators   ${emulator.control.indicatorCount()} (seed ${values.seed})`);
console.log(`  owners       Demo Organization, Demo Community, Demo Source`);
console.log(`  control API  ${emulator.baseUrl}/_emulator/{indicators,faults,api-users,reset,state} (loopback only)`);

const shutdown = () => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
