export const id = 280;
export const ids = [280];
export const modules = {

/***/ 2280:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CliLogger: () => (/* binding */ CliLogger),
/* harmony export */   processStreams: () => (/* binding */ processStreams),
/* harmony export */   progressBar: () => (/* binding */ progressBar)
/* harmony export */ });
/** The process's own streams. */
const processStreams = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
};
/** The stage runner's progress line (src/load/stage.ts): `stage NAME: 18/30 sent, …`. */
const STAGE_PROGRESS = /^stage (.+?): (\d+)\/(\d+) sent, (.*)$/;
const BAR_WIDTH = 24;
/** `stage x [██████░░░░] 18/30 sent, …` for a terminal; undefined for any other line. */
function progressBar(message) {
    const match = STAGE_PROGRESS.exec(message);
    if (!match)
        return undefined;
    const sent = Number(match[2]);
    const total = Math.max(1, Number(match[3]));
    const filled = Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * sent) / total));
    return `stage ${match[1]} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${sent}/${match[3]} sent, ${match[4]}`;
}
function where(annotation) {
    if (!annotation?.file)
        return '';
    return annotation.startLine
        ? `${annotation.file}:${annotation.startLine}:${annotation.startColumn ?? 1}: `
        : `${annotation.file}: `;
}
/**
 * A logger that writes lines to stderr and replaces masked values. On a terminal, stage progress lines
 * become one bar redrawn in place (periodic lines otherwise, e.g. in CI logs and pipes).
 */
class CliLogger {
    streams;
    verbose;
    secrets = [];
    /** A progress bar is on the terminal's last line (no newline after it yet). */
    barShown = false;
    constructor(streams, verbose = false) {
        this.streams = streams;
        this.verbose = verbose;
    }
    /** Never print this value again. */
    mask(value) {
        if (value)
            this.secrets.push(value);
    }
    maskSecrets(message) {
        let text = message;
        for (const secret of this.secrets)
            text = text.split(secret).join('***');
        return text;
    }
    write(prefix, message) {
        // Keep the last state of a bar on screen: the next line starts below it.
        const lead = this.barShown ? '\n' : '';
        this.barShown = false;
        this.streams.stderr(`${lead}${prefix}${this.maskSecrets(message)}\n`);
    }
    info(message) {
        const bar = this.streams.stderrIsTTY ? progressBar(message) : undefined;
        if (bar !== undefined) {
            this.streams.stderr(`\r\x1b[2K${this.maskSecrets(bar)}`);
            this.barShown = true;
            return;
        }
        this.write('', message);
    }
    warning(message, annotation) {
        this.write(`warning: ${where(annotation)}`, message);
    }
    error(message, annotation) {
        this.write(`error: ${where(annotation)}`, message);
    }
    debug(message) {
        if (this.verbose)
            this.write('debug: ', message);
    }
    async group(name, fn) {
        this.write('', `── ${name} ──`);
        return fn();
    }
}


/***/ })

};
