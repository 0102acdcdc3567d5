/** The password rules the sign-up form shows while typing and the server enforces; import-free like all of lib/. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
