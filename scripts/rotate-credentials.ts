import { createDatabaseClient } from "@/db/client";
import { createAppDependencies } from "@/server/deps";
import { describeErrorForLog } from "@/server/errors";
import { rotateCredentials } from "@/server/services/rotate-credentials";

/**
 * `npm run credentials:rotate`: put the new key first in CREDENTIALS_ENCRYPTION_KEYS, keep the old ones after
 * it, run this, then drop the old keys once it reports nothing left to re-encrypt.
 */
const databaseUrl = process.env.DATABASE_URL;
const keys = process.env.CREDENTIALS_ENCRYPTION_KEYS;
if (!databaseUrl || !keys) {
  console.error(
    "credentials:rotate needs DATABASE_URL and CREDENTIALS_ENCRYPTION_KEYS (new key first) in the environment",
  );
  process.exit(2);
}

const database = createDatabaseClient(databaseUrl, { max: 1 });
try {
  const report = await rotateCredentials({
    db: database.db,
    deps: createAppDependencies({ CREDENTIALS_ENCRYPTION_KEYS: keys }),
  });
  console.log(
    `credentials:rotate: active key "${report.activeKeyId}"; ${report.services} services, ${report.reencrypted} secrets re-encrypted, ${report.alreadyCurrent} already current`,
  );
} catch (error) {
  // A failed query's message lists its parameters, here the ciphertexts being rewritten; only the SQL is kept.
  const withoutStackFrames = describeErrorForLog(error)
    .split("\n")
    .filter((line) => !/^\s+at /.test(line))
    .join("\n");
  console.error(`credentials:rotate failed: ${withoutStackFrames}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
