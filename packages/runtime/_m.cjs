const esbuild=require("esbuild");const zlib=require("zlib");
(async()=>{
const ext=["onnxruntime-web","onnxruntime-web/*","onnxruntime-node"];
const src="import { createSession, tensor } from '@rectify/runtime'; globalThis.x=[createSession,tensor];";
const r=await esbuild.build({stdin:{contents:src,resolveDir:process.cwd()},bundle:true,minify:true,format:"esm",platform:"browser",write:false,metafile:true,external:ext,splitting:true,outdir:"/tmp/sz/out",sourcemap:false});
const outs=r.metafile.outputs;const entry=Object.keys(outs).find(k=>outs[k].entryPoint==="<stdin>");
const seen=new Set();const st=[entry];while(st.length){const k=st.pop();if(seen.has(k))continue;seen.add(k);for(const i of outs[k].imports)if(i.kind==="import-statement"&&outs[i.path])st.push(i.path)}
let raw=0,gz=0,all=0,allgz=0;const agg={};
for(const f of r.outputFiles){all+=f.contents.length;allgz+=zlib.gzipSync(f.contents).length;const k=Object.keys(outs).find(k=>f.path.endsWith(k.replace(/^.*out\//,"/")));if(!seen.has(k))continue;raw+=f.contents.length;gz+=zlib.gzipSync(f.contents).length;
for(const[n,v] of Object.entries(outs[k].inputs)){agg[n]=(agg[n]||0)+v.bytesInOutput}}
console.log("static closure",raw,"gz",gz, "all",all,"gz",allgz);console.log(Object.entries(agg).sort((a,b)=>b[1]-a[1]).slice(0,6).map(([k,v])=>v+" "+k.replace(/.*node_modules\//,"")).join("\n"));})()
