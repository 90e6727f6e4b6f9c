const esbuild=require("esbuild");
(async()=>{
const src="import { decodeModel } from '@rectify/onnx'; globalThis.x=[decodeModel];";
const r=await esbuild.build({stdin:{contents:src,resolveDir:process.cwd()},bundle:true,minify:false,format:"esm",platform:"browser",write:true,outfile:"/tmp/sz/onnx2.js",metafile:true});
})()
