// The output stage: images with embedded provenance, written atomically, and the run manifest.
export { checkImageFile, encodeWithProvenance, type ImageCheck } from './image-file.js';
export { PROVENANCE_KEYWORD, type Provenance } from './provenance.js';
export { reproducingRecipe, reproducingRecipeYaml } from './reproduce.js';
export { readManifest, listManifests, manifestFileName, type Manifest, type ManifestTask, type ManifestHeader } from './manifest.js';
export { outputStatus, type OutputStatus } from './manifest-merge.js';
export { loadSharp } from './sharp.js';
// What the runner writes with: atomic files, the output index, manifests, overlays and figures.
export { sweepTempFiles, TempFiles, tempPathFor, withTempFiles, writeFileAtomic } from './atomic.js';
export { indexDigest, indexPathFor, listIndexes, readIndexes, readIndexHeader, sameIndexRecords, sameStamp, stampOf, writeIndex, type FileStamp, type IndexLookup, type IndexRecord } from './output-index.js';
export { archivedManifestPath, archiveOtherPlanManifest, dropSupersededArchive, MANIFEST_FORMAT, manifestPlanHash, writeManifest } from './manifest.js';
export { ManifestEntries } from './manifest-entries.js';
export { checkOutputPaths, OutputRoot } from './safe-path.js';
export { PROVENANCE_FORMAT } from './provenance.js';
export { sha256 } from './image-file.js';
export { composeOverlay, overlayFrame, rawPath } from './overlay/index.js';
export { writeContactSheet } from './contact-sheet.js';
export { writeGallery } from './gallery/index.js';
