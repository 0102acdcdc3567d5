import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/env";

const PUBLIC_PREFIXES = ["/sign-in", "/sign-up", "/invite/", "/api/"];
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/**
 * Scripts run only with this request's nonce: Next finds it in the request's CSP header and puts it on its
 * own inline and framework scripts, and 'strict-dynamic' lets those load the chunks they import. Styles keep
 * 'unsafe-inline' because React renders `style` attributes, which nonces cannot cover; styles cannot run code.
 * Development adds 'unsafe-eval', which React's dev build needs to rebuild server stack traces.
 */
export function contentSecurityPolicy(nonce: string, isDevelopment: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDevelopment ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Every response gets the nonce-bearing CSP. Beyond that, only a sign-in redirect for visitors without a
 * session cookie: whether the cookie is valid, and what the user may see, is decided by the pages and by
 * orgProcedure, never here.
 */
export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const policy = contentSecurityPolicy(nonce, env.NODE_ENV === "development");
  const response = routeOf(request, policy);
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

function routeOf(request: NextRequest, policy: string): NextResponse {
  const { pathname, search } = request.nextUrl;
  const isOpen =
    PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix)) ||
    SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (isOpen) {
    const headers = new Headers(request.headers);
    headers.set("Content-Security-Policy", policy);
    return NextResponse.next({ request: { headers } });
  }
  const signIn = new URL("/sign-in", request.url);
  if (pathname !== "/") signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
