// Verifies a cb4i license token with npm jose (an implementation that is not cb4i's).
//   node verify-with-jose.mjs TOKEN_FILE JWKS_FILE
// Prints the verified claims as JSON and exits 0, or prints the error and exits 1.
import { readFileSync } from 'node:fs';
import { jwtVerify, createLocalJWKSet } from 'jose';

const [tokenFile, jwksFile] = process.argv.slice(2);
const token = readFileSync(tokenFile, 'utf8').trim();
const jwks = JSON.parse(readFileSync(jwksFile, 'utf8'));
try {
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks.keys ? jwks : { keys: [jwks] }), {
    typ: 'license+jwt',
    algorithms: ['EdDSA', 'Ed25519', 'ES256'],
    requiredClaims: ['iss', 'sub', 'aud', 'jti', 'iat', 'exp', 'cnf', 'usages'],
  });
  process.stdout.write(JSON.stringify({ header: protectedHeader, claims: payload }) + '\n');
} catch (e) {
  process.stderr.write(`jose: ${e.code ?? ''} ${e.message}\n`);
  process.exit(1);
}
