import type { GalleryImage } from './collect.js';

/**
 * The gallery page: one static file with its data, styles and script inline, so it opens from a
 * shared file system with no server and makes no network request. Paths are relative to it.
 */

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');
// `</script>` inside the JSON would end the script element early.
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');
const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const STYLE = `
body{font-family:system-ui,sans-serif;margin:1rem;background:#fafafa;color:#222}
h2{margin:1.5rem 0 .5rem;font-size:1.2rem}
.filters{display:flex;flex-wrap:wrap;gap:.75rem;margin-bottom:.5rem}
.filters label{font-size:.85rem}
.grid{display:flex;flex-wrap:wrap;gap:.5rem}
figure{margin:0;width:220px;background:#fff;border:1px solid #ddd;padding:4px;cursor:pointer}
figure img{width:100%;display:block;background:repeating-conic-gradient(#ddd 0 25%,#fff 0 50%) 0 0/16px 16px}
figcaption{font-size:.75rem;overflow-wrap:anywhere}
figure[hidden]{display:none}
dialog{max-width:95vw;max-height:95vh}
dialog img{max-width:90vw;max-height:70vh;display:block}
dialog table{font-size:.8rem;border-collapse:collapse}
dialog td{padding:2px 6px;border-top:1px solid #eee;vertical-align:top;overflow-wrap:anywhere}
`;

const SCRIPT = `
const data = JSON.parse(document.getElementById('gallery-data').textContent);
const dialog = document.getElementById('viewer');
function show(image) {
  dialog.querySelector('img').src = image.href;
  dialog.querySelector('a').href = image.href;
  dialog.querySelector('a').textContent = image.path;
  const table = dialog.querySelector('table');
  table.replaceChildren(...Object.entries(image.details).map(([k, v]) => {
    const row = document.createElement('tr');
    const a = document.createElement('td'); a.textContent = k;
    const b = document.createElement('td'); b.textContent = v;
    row.append(a, b);
    return row;
  }));
  dialog.showModal();
}
dialog.addEventListener('click', (e) => { if (e.target === dialog || e.target.dataset.close !== undefined) dialog.close(); });
for (const section of document.querySelectorAll('section[data-recipe]')) {
  const figures = [...section.querySelectorAll('figure')];
  const selects = [...section.querySelectorAll('select')];
  const apply = () => {
    for (const f of figures) {
      const values = data.images[Number(f.dataset.index)].filter;
      f.hidden = !selects.every((s) => s.value === '' || String(values[s.name]) === s.value);
    }
    section.querySelector('.count').textContent = figures.filter((f) => !f.hidden).length + ' of ' + figures.length;
  };
  for (const s of selects) s.addEventListener('change', apply);
  for (const f of figures) f.addEventListener('click', () => show(data.images[Number(f.dataset.index)]));
  apply();
}
`;

export function galleryHtml(images: readonly GalleryImage[], title: string, generated: string): string {
  const byRecipe = new Map<string, number[]>();
  images.forEach((image, i) => byRecipe.set(image.recipe, [...(byRecipe.get(image.recipe) ?? []), i]));
  const data = {
    images: images.map((image) => ({
      path: image.path,
      href: encodePath(image.path),
      details: image.details,
      filter: { ...image.values, ...(image.frame === null ? {} : { frame: image.frame }) },
    })),
  };
  const sections = [...byRecipe.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([recipe, indices]) => {
    const keys = new Map<string, Set<string>>();
    for (const i of indices) for (const [k, v] of Object.entries(data.images[i]?.filter ?? {})) keys.set(k, (keys.get(k) ?? new Set()).add(String(v)));
    const filters = [...keys.entries()].filter(([, values]) => values.size > 1).map(([key, values]) => {
      const options = [...values].sort((a, b) => (Number(a) - Number(b)) || (a < b ? -1 : a > b ? 1 : 0)).map((v) => `<option>${escapeHtml(v)}</option>`).join('');
      return `<label>${escapeHtml(key)} <select name="${escapeHtml(key)}"><option value="">all</option>${options}</select></label>`;
    }).join('');
    const figures = indices.map((i) => {
      const image = images[i] as GalleryImage;
      return `<figure data-index="${i}"><img src="${encodePath(image.thumb)}" alt="${escapeHtml(image.path)}" loading="lazy"><figcaption>${escapeHtml(image.path)}</figcaption></figure>`;
    }).join('\n');
    return `<section data-recipe="${escapeHtml(recipe)}"><h2>${escapeHtml(recipe)} <small class="count"></small></h2><div class="filters">${filters}</div><div class="grid">\n${figures}\n</div></section>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${images.length} image(s), page written ${escapeHtml(generated)} by render-recipes.</p>
${sections}
<dialog id="viewer"><button data-close>close</button> <a></a><img alt="full image"><table></table></dialog>
<script type="application/json" id="gallery-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
