// Times onnxruntime (CPU, the npm package onnxruntime-node) on one input, as
// the peer Dyad's speed is compared with. Prints "median <ms> p90 <ms>
// peak-rss <MiB>".
//
//   node bench/ort_bench.js model.onnx input.npy [runs] [threads] [out.npy]
//
// With out.npy, the first output of the last run is written there (float32),
// so a caller can check the model it timed computes what it should.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not .npy`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  if (!header.includes("'<f4'")) throw new Error(`${file}: only float32 .npy is supported`);
  const shape = header.match(/\(([^)]*)\)/)[1].split(',').map(s => s.trim())
      .filter(s => s.length).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start + hlen,
                                                 buf.byteOffset + buf.length));
  return new ort.Tensor('float32', data, shape);
}

(async () => {
  const [model, input, runsArg, threadsArg, outPath] = process.argv.slice(2);
  const runs = Number(runsArg || 20), threads = Number(threadsArg || 1);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential'});
  const feeds = {[session.inputNames[0]]: readNpy(input)};
  for (let i = 0; i < Math.min(runs, 3); ++i) await session.run(feeds);
  const ms = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  if (outPath) {
    const out = (await session.run(feeds))[session.outputNames[0]];
    let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${out.dims.join(', ')}${out.dims.length === 1 ? ',' : ''}), }`;
    header += ' '.repeat(63 - ((header.length + 10) % 64)) + '\n';
    const pre = Buffer.alloc(10);
    pre.write('\x93NUMPY', 0, 'latin1'); pre[6] = 1; pre[7] = 0;
    pre.writeUInt16LE(header.length, 8);
    fs.writeFileSync(outPath, Buffer.concat([pre, Buffer.from(header, 'latin1'),
        Buffer.from(Float32Array.from(out.data).buffer)]));
  }
  // The process's peak resident set, as dyad-run reports its own (VmHWM).
  const hwm = /VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'latin1'));
  console.log(`median ${ms[Math.floor(ms.length / 2)]} p90 ${ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.9))]}` +
              (hwm ? ` peak-rss ${Number(hwm[1]) / 1024} MiB` : ''));
})().catch(e => { console.error(`ort_bench: ${e.message}`); process.exit(1); });
