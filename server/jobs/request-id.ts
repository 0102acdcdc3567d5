import { randomInt } from "node:crypto";

/** Crockford's base32 without I, L, O and U, so a request id read aloud or retyped from a screenshot survives. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 10;

/** 50 random bits: collisions are vanishingly rare, and the unique index turns one into a retry, not a clash. */
export function newRequestId(): string {
  let id = "";
  for (let index = 0; index < LENGTH; index += 1) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

export const REQUEST_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{1,10}$/;
