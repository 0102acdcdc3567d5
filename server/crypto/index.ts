export {
  createCredentialCipher,
  CredentialCipherError,
  parseKeyring,
  type CredentialCipher,
  type CredentialKeyring,
  type SecretSlot,
} from "./credential-cipher";
