// @peculiar/x509 resolves its ASN.1 helpers through tsyringe, which needs the Reflect metadata API first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto is the standard one; the library's typings name the DOM's `Crypto`, absent here.
x509.cryptoProvider.set(webcrypto as never);

/** @peculiar/x509, set up for Node's WebCrypto; import it from here only. */
export { x509 };
