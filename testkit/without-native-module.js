// Stands in for a native addon (`*.node`) under jest: requiring it fails, as it does in the
// deployed bundles, which leave `*.node` out (stacks/bundling.ts). ssh2 then uses its JavaScript
// ciphers, so the tests run the SSH code Lambda runs, not the native one (whose destructor has
// aborted a Node 24 jest worker at exit).
throw new Error("native addons are left out under test, as in the deployed bundles");
