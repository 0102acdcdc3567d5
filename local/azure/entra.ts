import { createHash, randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";
import type { EmulatorApp, EmulatorDirectory, EmulatorTenant } from "./directory";

export type EmulatorResponse = { status: number; body?: unknown; headers?: Record<string, string> };

/** Resources an app may request `<resource>/.default` for; the token audience is the resource. */
const KNOWN_RESOURCES = [
  "https://management.azure.com/",
  "https://management.core.windows.net/",
  "https://management.usgovcloudapi.net/",
  "https://management.core.usgovcloudapi.net/",
];

export type AccessTokenClaims = JWTPayload & { tid: string; appid: string; oid: string; roles?: string[] };

export type TokenAuthority = {
  jwks: () => { keys: JWK[] };
  issue: (
    tenant: EmulatorTenant,
    app: EmulatorApp,
    resource: string,
  ) => Promise<{ accessToken: string; expiresIn: number }>;
  verify: (token: string, acceptedAudiences: readonly string[]) => Promise<AccessTokenClaims>;
};

export async function createTokenAuthority(options: {
  now: () => Date;
  tokenLifetimeSeconds: number;
}): Promise<TokenAuthority> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const keyId = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid: keyId, use: "sig", alg: "RS256" };
  return {
    jwks: () => ({ keys: [publicJwk] }),
    issue: (tenant, app, resource) => issueToken(privateKey, keyId, options, tenant, app, resource),
    verify: async (token, acceptedAudiences) => {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, publicKey, {
        audience: [...acceptedAudiences],
        currentDate: options.now(),
        algorithms: ["RS256"],
      });
      return payload;
    },
  };
}

async function issueToken(
  privateKey: CryptoKey,
  keyId: string,
  options: { now: () => Date; tokenLifetimeSeconds: number },
  tenant: EmulatorTenant,
  app: EmulatorApp,
  resource: string,
): Promise<{ accessToken: string; expiresIn: number }> {
  const issuedAt = Math.floor(options.now().getTime() / 1000);
  const objectId = servicePrincipalObjectId(tenant.tenantId, app.clientId);
  const accessToken = await new SignJWT({
    tid: tenant.tenantId,
    appid: app.clientId,
    appidacr: "1",
    oid: objectId,
    idtyp: "app",
    ver: "1.0",
    ...(app.appRoles?.length ? { roles: app.appRoles } : {}),
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: keyId })
    .setIssuer(`https://sts.windows.net/${tenant.tenantId}/`)
    .setSubject(objectId)
    .setAudience(resource)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + options.tokenLifetimeSeconds)
    .setJti(randomUUID())
    .sign(privateKey);
  return { accessToken, expiresIn: options.tokenLifetimeSeconds };
}

/** A stable per-tenant service principal id, like the enterprise application Entra creates for an app. */
export function servicePrincipalObjectId(tenantId: string, clientId: string): string {
  const hex = createHash("sha256").update(`${tenantId}/${clientId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function aadError(status: number, error: string, code: number, description: string, now: Date): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${now.toISOString()}`,
      error_codes: [code],
      timestamp: now.toISOString(),
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function tenantNotFound(tenantId: string, now: Date): EmulatorResponse {
  return aadError(
    400,
    "invalid_tenant",
    90002,
    `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    now,
  );
}

export function instanceDiscovery(origin: string): EmulatorResponse {
  const host = new URL(origin).host;
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${origin}/{tenantid}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}

export function openIdConfiguration(
  directory: EmulatorDirectory,
  tenantId: string,
  origin: string,
  now: Date,
): EmulatorResponse {
  if (!directory.tenants.some((tenant) => tenant.tenantId === tenantId)) return tenantNotFound(tenantId, now);
  const base = `${origin}/${tenantId}`;
  return {
    status: 200,
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${origin}/${tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid", "oid", "roles"],
      tenant_region_scope: "NA",
      cloud_instance_name: new URL(origin).host,
    },
  };
}

export type TokenRequestOutcome = { response: EmulatorResponse; principal?: string; scope?: string };

/** The client credentials grant, checked the way Entra ID checks it, in the same order. */
export async function clientCredentialsToken(
  directory: EmulatorDirectory,
  authority: TokenAuthority,
  tenantId: string,
  form: URLSearchParams,
  now: Date,
): Promise<TokenRequestOutcome> {
  const tenant = directory.tenants.find((candidate) => candidate.tenantId === tenantId);
  if (!tenant) return { response: tenantNotFound(tenantId, now) };
  const grantType = form.get("grant_type");
  if (grantType !== "client_credentials") {
    return {
      response: aadError(
        400,
        "unsupported_grant_type",
        70003,
        `The app requested an unsupported grant type '${grantType ?? ""}'.`,
        now,
      ),
    };
  }
  const clientId = form.get("client_id") ?? "";
  const app = tenant.apps.find((candidate) => candidate.clientId === clientId);
  if (!app) {
    return {
      response: aadError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        now,
      ),
    };
  }
  const principal = `${tenantId}/${clientId}`;
  const secret = form.get("client_secret");
  if (secret === null) {
    return {
      principal,
      response: aadError(
        401,
        "invalid_client",
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
        now,
      ),
    };
  }
  if (!app.secrets.includes(secret)) {
    return {
      principal,
      response: aadError(
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        now,
      ),
    };
  }
  const scope = form.get("scope") ?? "";
  const scopes = scope.split(" ").filter(Boolean);
  const resourceScope = scopes.find((candidate) => candidate.endsWith("/.default"));
  const resource = resourceScope?.slice(0, -".default".length);
  if (!resource) {
    return {
      principal,
      scope,
      response: aadError(
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        now,
      ),
    };
  }
  if (!KNOWN_RESOURCES.includes(resource)) {
    return {
      principal,
      scope,
      response: aadError(
        400,
        "invalid_resource",
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
        now,
      ),
    };
  }
  const { accessToken, expiresIn } = await authority.issue(tenant, app, resource);
  return {
    principal,
    scope,
    response: {
      status: 200,
      body: { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken },
    },
  };
}
