// onnxruntime's outputs for a third-party model on one input set, saved as
// the suite's references (run by models/third-party/get.sh at setup time,
// never by the tests themselves).
//
//   node ort_ref.js MODEL OUTDIR NAME=FILE.npy... [--steps] [--carry OUT=IN]...
//
// Without --steps the inputs are fed once. With --steps every input whose
// file is not a --carry target is cut along axis 0 into one-sample slices
// (the batch dim kept at 1) and the model runs once per slice, in order; a
// --carry OUT=IN pair feeds output OUT of one step back as input IN of the
// next (IN's file is the first step's value). Outputs are written as
// OUTDIR/<i>.npy (i = the graph output's index; steps concatenated on
// axis 0), float32 or int64, plus OUTDIR/names.json.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', '..', 'bench', 'node_modules',
                              'onnxruntime-node'));

const DTYPES = {'<f4': ['float32', Float32Array, 4],
                '<i8': ['int64', BigInt64Array, 8]};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not .npy`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = header.match(/'descr':\s*'([^']*)'/)[1];
  if (!(descr in DTYPES)) throw new Error(`${file}: dtype ${descr} (only <f4, <i8)`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = header.match(/\(([^)]*)\)/)[1].split(',').map(s => s.trim())
      .filter(s => s.length).map(Number);
  const [type, Arr] = DTYPES[descr];
  const bytes = buf.subarray(start + hlen);
  const data = new Arr(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return new ort.Tensor(type, data, shape);
}

function writeNpy(file, tensor) {
  const descr = tensor.type === 'float32' ? '<f4' : tensor.type === 'int64' ? '<i8' : null;
  if (!descr) throw new Error(`output type ${tensor.type} not supported`);
  const dims = tensor.dims.map(String);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1'); pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const d = tensor.data;
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(d.buffer, d.byteOffset, d.byteLength)]));
}

function slice0(t, i) {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  return new ort.Tensor(t.type, t.data.slice(i * per, (i + 1) * per), [1, ...t.dims.slice(1)]);
}

function concat0(ts) {
  const n = ts.reduce((a, t) => a + t.data.length, 0);
  const out = new ts[0].data.constructor(n);
  let o = 0;
  for (const t of ts) { out.set(t.data, o); o += t.data.length; }
  const rows = ts.reduce((a, t) => a + t.dims[0], 0);
  return new ort.Tensor(ts[0].type, out, [rows, ...ts[0].dims.slice(1)]);
}

(async () => {
  const args = process.argv.slice(2);
  const [model, outdir] = args;
  const feeds = {}, carry = {};
  let steps = false;
  for (let i = 2; i < args.length; ++i) {
    if (args[i] === '--steps') { steps = true; continue; }
    if (args[i] === '--carry') { const [o, n] = args[++i].split('='); carry[o] = n; continue; }
    const eq = args[i].indexOf('=');
    feeds[args[i].slice(0, eq)] = readNpy(args[i].slice(eq + 1));
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    logSeverityLevel: 3});
  for (const n of session.inputNames)
    if (!(n in feeds)) throw new Error(`no value for input '${n}'`);
  const names = session.outputNames;
  let results;
  if (!steps) {
    const r = await session.run(feeds);
    results = names.map(n => r[n]);
  } else {
    const carried = new Set(Object.values(carry));
    const stepped = Object.keys(feeds).filter(n => !carried.has(n) && feeds[n].dims.length > 0);
    const count = feeds[stepped[0]].dims[0];
    const per = names.map(() => []);
    const state = Object.assign({}, feeds);
    for (let s = 0; s < count; ++s) {
      const f = Object.assign({}, state);
      for (const n of stepped) f[n] = slice0(feeds[n], s);
      const r = await session.run(f);
      names.forEach((n, i) => per[i].push(r[n]));
      for (const [o, n] of Object.entries(carry)) state[n] = r[o];
    }
    results = per.map(concat0);
  }
  fs.mkdirSync(outdir, {recursive: true});
  results.forEach((t, i) => writeNpy(path.join(outdir, `${i}.npy`), t));
  fs.writeFileSync(path.join(outdir, 'names.json'), JSON.stringify(names) + '\n');
})().catch(e => { console.error(`ort_ref: ${e.message}`); process.exit(1); });
