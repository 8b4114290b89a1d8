"""What a person sees, measured in Chromium from computed styles and layout boxes: text contrast
(axe-core skips most Arabic text, taking Arabic words for icon ligatures), the focus ring's
contrast, and whether a table's columns are in sight."""

COLOUR_TOOLS = """
    const parse = (colour) => {
        const m = colour.match(/rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)/);
        return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null;
    };
    const luminance = ([r, g, b]) => {
        const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const background = (el) => {
        for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
            const bg = parse(getComputedStyle(node).backgroundColor);
            if (bg && bg[3] > 0.5) return bg;
        }
        return [255, 255, 255, 1];
    };
"""

LOW_CONTRAST_TEXT = "() => {" + COLOUR_TOOLS + """
    const found = [];
    let checked = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data.trim()) continue;
        const el = node.parentElement;
        const style = getComputedStyle(el);
        const range = document.createRange();
        range.selectNodeContents(node);
        const box = range.getBoundingClientRect();
        if (style.visibility === 'hidden' || box.width < 2 || box.height < 2 || el.closest('[aria-hidden=true], option, svg')) continue;
        checked++;
        const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
        const needed = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
        const contrast = ratio(parse(style.color), background(el));
        if (contrast < needed) {
            const where = `<${el.tagName.toLowerCase()} class="${el.className}">`;
            found.push(`${contrast.toFixed(2)}:1 (needs ${needed}) “${node.data.trim().slice(0, 40)}” in ${where}`);
        }
    }
    return {checked, found};
}"""

FOCUS_RING = "() => {" + COLOUR_TOOLS + """
    const el = document.activeElement;
    if (el === document.body) return {what: 'the page itself', contrast: 21};
    const style = getComputedStyle(el);
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0) return {what: el.outerHTML.slice(0, 80), contrast: 0};
    const ring = parse(style.outlineColor);
    // The ring is drawn around the element, outside it (outline-offset): on what its parent shows;
    // with a negative offset, inside it, on the element's own background.
    const behind = parseFloat(style.outlineOffset) < 0 ? el : el.parentElement;
    return {what: el.outerHTML.slice(0, 80), contrast: ratio(ring, background(behind))};
}"""

TABLE_COLUMNS = """(table) => {
    const region = table.closest('.table-scroll') || table.parentElement;
    const view = region.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    return [...table.querySelectorAll('thead th, thead td')].map(cell => {
        const box = cell.getBoundingClientRect();
        return {name: cell.innerText.trim(), left: box.left, right: box.right,
                shown: box.left >= Math.max(view.left, 0) - 1 && box.right <= Math.min(view.right, width) + 1};
    });
}"""
