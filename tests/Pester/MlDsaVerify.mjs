// Verifies ML-DSA-44 signatures with @noble/post-quantum, an implementation independent of the
// BouncyCastle one VaultMesh signs with. Usage: node MlDsaVerify.mjs <tools/noble-pq/node_modules>
// and, on stdin, one JSON object {"publicKey": hex, "message": hex, "signature": hex} per line.
// Prints "valid" or "invalid" per line (pure ML-DSA-44, empty context, as tlog-cosignature uses it).
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const modules = process.argv[2];
const { ml_dsa44 } = await import(pathToFileURL(join(modules, '@noble/post-quantum/ml-dsa.js')).href);
const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    const { publicKey, message, signature } = JSON.parse(line);
    let valid = false;
    try {
        valid = ml_dsa44.verify(hex(signature), hex(message), hex(publicKey));
    } catch {
        valid = false;
    }
    console.log(valid ? 'valid' : 'invalid');
}
