// Issues a license token with npm jose, for cb4i to verify.
//   node issue-with-jose.mjs ISSUER_PRIVATE_JWK CRAWLER_PUBLIC_JWK ISSUER_ID > token.jwt
import { readFileSync } from 'node:fs';
import { SignJWT, importJWK, calculateJwkThumbprint } from 'jose';

const [issuerFile, crawlerFile, iss] = process.argv.slice(2);
const issuer = JSON.parse(readFileSync(issuerFile, 'utf8'));
const crawler = JSON.parse(readFileSync(crawlerFile, 'utf8'));
const { d, ...crawlerPublic } = crawler;
const alg = issuer.kty === 'EC' ? 'ES256' : 'EdDSA';
const now = Math.floor(Date.now() / 1000);
const token = await new SignJWT({
  iss, sub: 'jose-licensee', aud: iss, jti: 'issued-by-jose', iat: now, nbf: now, exp: now + 3600,
  cnf: { jkt: await calculateJwkThumbprint(crawlerPublic, 'sha256'), jwk: crawlerPublic },
  usages: ['ai-input'],
}).setProtectedHeader({ alg, typ: 'license+jwt', kid: await calculateJwkThumbprint({ ...issuer, d: undefined }, 'sha256') })
  .sign(await importJWK(issuer, alg));
process.stdout.write(token + '\n');
