// A signature pad on an HTML canvas: draw with a mouse, a pen or a finger; export as PNG bytes.
const pads = new WeakMap();

function paintBackground(canvas) {
    const ctx = canvas.getContext("2d");
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
}

export function attach(canvas) {
    if (!canvas || pads.has(canvas)) return;
    const ctx = canvas.getContext("2d");
    const state = { drawing: false, drawn: false, last: null };
    pads.set(canvas, state);
    paintBackground(canvas);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#14213d";

    // The canvas keeps its own resolution (width/height attributes); pointer positions are scaled to it.
    const at = e => {
        const r = canvas.getBoundingClientRect();
        return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
    };
    canvas.addEventListener("pointerdown", e => {
        e.preventDefault();
        canvas.setPointerCapture?.(e.pointerId);
        state.drawing = true;
        state.last = at(e);
        ctx.beginPath();
        ctx.arc(state.last.x, state.last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fill();
        state.drawn = true;
    });
    canvas.addEventListener("pointermove", e => {
        if (!state.drawing) return;
        e.preventDefault();
        const p = at(e);
        ctx.beginPath();
        ctx.moveTo(state.last.x, state.last.y);
        ctx.lineTo(p.x, p.y);
        ctx.stroke();
        state.last = p;
        state.drawn = true;
    });
    const stop = () => { state.drawing = false; state.last = null; };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);
}

export function clear(canvas) {
    const state = pads.get(canvas);
    if (!state) return;
    paintBackground(canvas);
    state.drawn = false;
}

export function isEmpty(canvas) {
    const state = pads.get(canvas);
    return !state || !state.drawn;
}

// The PNG as bytes (streamed to the server: a data URL could exceed the circuit's message size).
export async function toPng(canvas) {
    const blob = await new Promise(resolve => canvas.toBlob(resolve, "image/png"));
    return new Uint8Array(await blob.arrayBuffer());
}
