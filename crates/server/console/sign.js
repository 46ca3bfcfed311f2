// Signing events in the browser (docs/signatures.md), exactly as
// `pledger sign --key FILE` does: the key file holds the standard base64 of
// the 32-byte Ed25519 seed; the signed message is the JCS of the event
// without `signature`; the signature is the standard base64 of the 64-byte
// Ed25519 signature (WebCrypto; Ed25519 is deterministic, so the browser
// and the command line give the same bytes). The key never leaves the page:
// it is imported as a non-extractable CryptoKey, kept in memory only.

import { jcs, base64ToBytes } from './verify.js';

const utf8 = new TextEncoder();

// PKCS #8 (RFC 8410) of an Ed25519 private key: this prefix, then the seed.
const PKCS8_ED25519_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);

export function bytesToBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function base64UrlToBase64(s) {
  const b = s.replace(/-/g, '+').replace(/_/g, '/');
  return b + '='.repeat((4 - (b.length % 4)) % 4);
}

export class KeyFileError extends Error {
  constructor(code, detail) {
    super(detail || code);
    this.code = code;
  }
}

/**
 * A key file's text → `{key, publicKey}`: a non-extractable signing key and
 * the public key as `entity.registered` takes it (base64 of 32 bytes).
 * Throws KeyFileError: 'not_key_file' (not the base64 of 32 bytes),
 * 'no_webcrypto' (no Ed25519 here).
 */
export async function importKeyFile(text) {
  let seed;
  try {
    seed = base64ToBytes(String(text).trim());
  } catch (_) {
    throw new KeyFileError('not_key_file');
  }
  if (seed.length !== 32) throw new KeyFileError('not_key_file');
  if (typeof crypto === 'undefined' || !crypto.subtle) throw new KeyFileError('no_webcrypto');
  const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
  der.set(PKCS8_ED25519_PREFIX);
  der.set(seed, PKCS8_ED25519_PREFIX.length);
  try {
    // Once extractable, only to learn the public key (the JWK's x) ...
    const once = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign']);
    const jwk = await crypto.subtle.exportKey('jwk', once);
    jwk.d = '';
    // ... and kept non-extractable for signing.
    const key = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
    return { key, publicKey: base64UrlToBase64(jwk.x) };
  } catch (e) {
    throw new KeyFileError('no_webcrypto', String(e && e.message ? e.message : e));
  } finally {
    der.fill(0);
    seed.fill(0);
  }
}

/** The exact bytes signed: JCS of the event without `signature`. */
export function signedMessage(event) {
  const unsigned = {};
  for (const k of Object.keys(event)) if (k !== 'signature') unsigned[k] = event[k];
  return utf8.encode(jcs(unsigned));
}

/** The event with its `signature` (the event must carry its own `id`). */
export async function signEvent(event, key) {
  if (!event.id) throw new Error('a signed event must carry its own id');
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, signedMessage(event)));
  const signed = {};
  for (const k of Object.keys(event)) if (k !== 'signature') signed[k] = event[k];
  signed.signature = bytesToBase64(sig);
  return signed;
}
