/**
 * Deterministic, Olist-shaped daily CSV export (customers, products, orders,
 * payments) with controlled defects, for exercising the ETL end to end.
 *
 * Determinism model:
 *  - the customer / product / seller pools are a pure function of the seed
 *    (entity #i is the same whatever the pool size or business date), so the
 *    same customers and products show up across days;
 *  - the day's orders are a sequential stream seeded from seed + date;
 *  - defects use their own streams (seed + date + file), so changing
 *    defectRate never changes the underlying clean data;
 *  - personal data (issue 7) is keyed like the other customer attributes:
 *    name, e-mail and phone are a pure function of (seed, person), so a
 *    returning person (one customer_unique_id, several customer_ids) has the
 *    same contact details everywhere; the street is a function of
 *    (seed, customer) like the zip code. It is obviously synthetic: e-mails
 *    use the reserved example.com/.net/.org domains (RFC 2606) and carry the
 *    person's pool index. No defect kind touches it (defects stay as they
 *    were); some persons simply give no phone (a keyed draw, not a defect).
 *
 * Memory model: rows are streamed to disk in ~1 MB chunks. Only the product
 * catalog (orders need its prices) and a one-byte-per-customer bitmap of the
 * customers referenced today are held in memory.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import { Rng, WeightedPicker, deriveKey, keyedFloat, keyedHex32, keyedUint32 } from './random';

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

export const EXPORT_SOURCES = ['customers', 'products', 'orders', 'payments'] as const;
export type ExportSource = (typeof EXPORT_SOURCES)[number];

export const DEFECT_KINDS = [
  'duplicate',
  'missingRequired',
  'missingOptional',
  'unparseableDate',
  'orphanForeignKey',
  'negativeAmount',
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

/** Exact number of defective rows written, per file and kind (0 where a kind does not apply). */
export type DefectCounts = Record<ExportSource, Record<DefectKind, number>>;

export interface GenerateOptions {
  /** YYYY-MM-DD; every order's purchase timestamp falls on this UTC day. */
  businessDate: string;
  /** Number of distinct orders (order lines >= orders, since an order has 1..4 items). */
  orders: number;
  seed: number;
  /** Probability of each defect kind per row of the affected file; default 0.01. */
  defectRate?: number;
  outDir: string;
}

export interface GeneratedExport {
  businessDate: string;
  /** Absolute paths of the written files. */
  files: Record<ExportSource, string>;
  /** Data rows written per file, header excluded, defects (incl. duplicates) included. */
  rows: Record<ExportSource, number>;
  defects: DefectCounts;
}

export const CSV_HEADERS: Record<ExportSource, readonly string[]> = {
  customers: [
    'customer_id',
    'customer_unique_id',
    'customer_name',
    'customer_email',
    'customer_phone',
    'customer_street',
    'customer_zip_code_prefix',
    'customer_city',
    'customer_state',
    'updated_at',
  ],
  products: [
    'product_id',
    'product_category_name',
    'product_weight_g',
    'product_length_cm',
    'product_height_cm',
    'product_width_cm',
    'updated_at',
  ],
  orders: [
    'order_id',
    'order_item_id',
    'customer_id',
    'product_id',
    'seller_id',
    'order_status',
    'order_purchase_timestamp',
    'order_approved_at',
    'order_delivered_customer_date',
    'order_estimated_delivery_date',
    'price',
    'freight_value',
  ],
  payments: ['order_id', 'payment_sequential', 'payment_type', 'payment_installments', 'payment_value'],
};

/**
 * Defects each file can carry. The kinds of one file are mutually exclusive
 * per row (a row carries at most one defect), which is why the rate is capped
 * at 1 / (most kinds in one file).
 */
export const DEFECTS_BY_SOURCE: Record<ExportSource, readonly DefectKind[]> = {
  customers: ['duplicate', 'missingOptional'],
  products: ['duplicate', 'missingOptional'],
  orders: ['duplicate', 'missingRequired', 'unparseableDate', 'orphanForeignKey', 'negativeAmount'],
  payments: ['duplicate', 'missingRequired', 'orphanForeignKey', 'negativeAmount'],
};
export const MAX_DEFECT_RATE = 1 / DEFECTS_BY_SOURCE.orders.length;

/** Keeps pool indices well inside the range where keyed ids are provably unique (2^30). */
export const MAX_ORDERS = 50_000_000;

/** Pool sizes scale with the day's volume; entity #i is identical whatever the size. */
export function poolSizes(orders: number): { customers: number; products: number } {
  return { customers: Math.max(1, Math.ceil(orders * 0.9)), products: Math.max(50, Math.ceil(orders / 20)) };
}

export async function generateDailyExport(options: GenerateOptions): Promise<GeneratedExport> {
  const defectRate = options.defectRate ?? 0.01;
  validateOptions(options, defectRate);
  const { businessDate, orders, seed } = options;

  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });

  const files = {} as Record<ExportSource, string>;
  const sinks = {} as Record<ExportSource, CsvSink>;
  for (const source of EXPORT_SOURCES) {
    files[source] = path.join(outDir, `${source}.csv`);
    sinks[source] = new CsvSink(files[source], CSV_HEADERS[source]);
  }

  const defects = emptyDefectCounts();
  const day: DayContext = {
    seed,
    businessDate,
    dayStart: Date.parse(`${businessDate}T00:00:00Z`) / 1000,
    pools: poolSizes(orders),
    timestamps: new TimestampFormatter(),
    defectDraw: (source) =>
      new DefectDraw(new Rng(`${seed}|defects|${source}|${businessDate}`), DEFECTS_BY_SOURCE[source], defectRate, defects[source]),
  };

  try {
    // Products first: the catalog (prices, sellers) is needed to price order lines.
    const catalog = await writeProducts(sinks.products, day);
    await sinks.products.close();
    const referenced = await writeOrdersAndPayments(sinks.orders, sinks.payments, day, catalog, orders);
    await Promise.all([sinks.orders.close(), sinks.payments.close()]);
    await writeCustomers(sinks.customers, day, referenced);
    await sinks.customers.close();
    // Files are written under a temporary name and renamed only once all four
    // are complete, so a landing-zone watcher never picks up a partial export.
    await Promise.all(EXPORT_SOURCES.map((source) => sinks[source].publish()));
  } catch (error) {
    await Promise.all(EXPORT_SOURCES.map((source) => sinks[source].abort()));
    throw error;
  }

  const rows = {} as Record<ExportSource, number>;
  for (const source of EXPORT_SOURCES) rows[source] = sinks[source].rows;
  return { businessDate, files, rows, defects };
}

/** True for a real calendar date written as YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

function validateOptions(options: GenerateOptions, defectRate: number): void {
  if (!isCalendarDate(options.businessDate)) {
    throw new RangeError(`businessDate must be a valid YYYY-MM-DD date, got ${JSON.stringify(options.businessDate)}`);
  }
  if (!Number.isInteger(options.orders) || options.orders < 0 || options.orders > MAX_ORDERS) {
    throw new RangeError(`orders must be an integer in [0, ${MAX_ORDERS}], got ${options.orders}`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be a safe integer, got ${options.seed}`);
  if (!(defectRate >= 0 && defectRate <= MAX_DEFECT_RATE)) {
    throw new RangeError(`defectRate must be in [0, ${MAX_DEFECT_RATE}], got ${defectRate}`);
  }
}

function emptyDefectCounts(): DefectCounts {
  const counts = {} as DefectCounts;
  for (const source of EXPORT_SOURCES) {
    counts[source] = Object.fromEntries(DEFECT_KINDS.map((kind) => [kind, 0])) as Record<DefectKind, number>;
  }
  return counts;
}

// ---------------------------------------------------------------------------
// Reference data (Olist-like)
// ---------------------------------------------------------------------------

interface City {
  /** Already CSV-escaped: escaping is done once here rather than per row. */
  csvName: string;
  state: string;
  zipFrom: number;
  zipTo: number;
}

// [name, UF, zip prefix range, relative weight]: weights roughly follow Olist's customer distribution.
const CITIES: ReadonlyArray<readonly [string, string, number, number, number]> = [
  ['são paulo', 'SP', 1000, 8499, 155],
  ['rio de janeiro', 'RJ', 20000, 23799, 69],
  ['belo horizonte', 'MG', 30000, 31999, 28],
  ['brasília', 'DF', 70000, 72799, 21],
  ['curitiba', 'PR', 80000, 82999, 15],
  ['campinas', 'SP', 13000, 13149, 15],
  ['porto alegre', 'RS', 90000, 91999, 14],
  ['salvador', 'BA', 40000, 42599, 12],
  ['guarulhos', 'SP', 7000, 7399, 12],
  ['são bernardo do campo', 'SP', 9600, 9899, 9],
  ['niterói', 'RJ', 24000, 24399, 8],
  ['santo andré', 'SP', 9000, 9299, 8],
  ['osasco', 'SP', 6000, 6299, 7],
  ['santos', 'SP', 11000, 11099, 7],
  ['goiânia', 'GO', 74000, 74899, 7],
  ['são josé dos campos', 'SP', 12200, 12249, 7],
  ['fortaleza', 'CE', 60000, 61599, 6],
  ['sorocaba', 'SP', 18000, 18109, 6],
  ['recife', 'PE', 50000, 52999, 6],
  ['florianópolis', 'SC', 88000, 88099, 6],
  ['jundiaí', 'SP', 13200, 13219, 5],
  ['ribeirão preto', 'SP', 14000, 14114, 5],
  ['belém', 'PA', 66000, 66999, 4],
  ['vitória', 'ES', 29000, 29099, 4],
  ['manaus', 'AM', 69000, 69099, 3],
  ['juiz de fora', 'MG', 36000, 36099, 3],
  ['uberlândia', 'MG', 38400, 38415, 3],
  ['londrina', 'PR', 86000, 86099, 3],
  ['natal', 'RN', 59000, 59099, 2],
  ['joão pessoa', 'PB', 58000, 58099, 2],
  ['maceió', 'AL', 57000, 57099, 2],
  ['são luís', 'MA', 65000, 65099, 2],
  ['cuiabá', 'MT', 78000, 78099, 2],
  ['campo grande', 'MS', 79000, 79129, 2],
  ["santa bárbara d'oeste", 'SP', 13450, 13459, 1],
];
const CITY_PICKER = new WeightedPicker<City>(
  CITIES.map(([name, state, zipFrom, zipTo, weight]) => [{ csvName: csvField(name), state, zipFrom, zipTo }, weight]),
);

// Personal data: common Brazilian first names and surnames, combined freely (so the people are
// invented), with the e-mail's ASCII form precomputed once per name.
const FIRST_NAMES: readonly string[] = [
  'Maria', 'José', 'Ana', 'João', 'Antônio', 'Francisca', 'Carlos', 'Paulo', 'Adriana', 'Lucas',
  'Juliana', 'Marcos', 'Luiz', 'Gabriel', 'Rafael', 'Fernanda', 'Patrícia', 'Aline', 'Bruno', 'Camila',
  'Pedro', 'Mariana', 'Felipe', 'Letícia', 'Tiago', 'Beatriz', 'Rodrigo', 'Larissa', 'Gustavo', 'Conceição',
];
const SURNAMES: readonly string[] = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes',
  'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa',
  'Rocha', 'Dias', 'Nascimento', 'Araújo', 'Moreira', 'Cavalcanti', 'Monteiro', "D'Ávila", 'Gonçalves', 'Teixeira',
];
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'] as const;
// Area codes of the larger metropolitan regions.
const AREA_CODES = ['11', '21', '31', '41', '51', '61', '71', '81', '85', '91', '19', '27', '48', '62', '92'] as const;
const STREET_TYPES = ['Rua', 'Rua', 'Rua', 'Avenida', 'Avenida', 'Travessa', 'Alameda', 'Praça'] as const;
const STREET_NAMES: readonly string[] = [
  'das Flores', 'Sete de Setembro', 'XV de Novembro', 'Tiradentes', 'Dom Pedro II', 'Santos Dumont',
  'Getúlio Vargas', 'das Acácias', 'São João', 'Brasil', 'da Independência', 'Marechal Deodoro',
  'Rui Barbosa', 'Castro Alves', 'dos Andradas', 'Boa Vista', 'do Comércio', 'Paraná', 'Bahia', 'dos Ipês',
];
/** Share of persons who give no phone number (the column is optional). */
const NO_PHONE_SHARE = 0.05;

/** Lower-case ASCII for e-mail local parts: accents and apostrophes dropped. */
function emailWord(word: string): string {
  return word.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}
const FIRST_NAME_EMAIL = FIRST_NAMES.map(emailWord);
const SURNAME_EMAIL = SURNAMES.map(emailWord);

interface Category {
  csvName: string;
  /** Median price in BRL and median shipping weight in grams, to make the spread plausible. */
  medianPrice: number;
  medianWeightG: number;
}

// [name, weight, median price BRL, median weight g]
const CATEGORIES: ReadonlyArray<readonly [string, number, number, number]> = [
  ['cama_mesa_banho', 111, 80, 1500],
  ['beleza_saude', 97, 90, 500],
  ['esporte_lazer', 86, 80, 900],
  ['moveis_decoracao', 83, 90, 2500],
  ['informatica_acessorios', 78, 90, 700],
  ['utilidades_domesticas', 69, 60, 1200],
  ['relogios_presentes', 60, 180, 400],
  ['telefonia', 45, 50, 250],
  ['ferramentas_jardim', 43, 80, 1800],
  ['automotivo', 42, 90, 1200],
  ['brinquedos', 41, 80, 900],
  ['cool_stuff', 38, 150, 1500],
  ['perfumaria', 34, 90, 400],
  ['bebes', 30, 100, 1400],
  ['eletronicos', 28, 40, 300],
  ['papelaria', 25, 60, 600],
  ['fashion_bolsas_e_acessorios', 20, 50, 350],
  ['pet_shop', 19, 70, 1500],
  ['moveis_escritorio', 17, 200, 9000],
  ['consoles_games', 11, 90, 450],
  ['malas_acessorios', 11, 150, 3000],
  ['construcao_ferramentas_construcao', 9, 100, 2000],
  ['eletrodomesticos', 8, 80, 1500],
  ['instrumentos_musicais', 7, 150, 1500],
  ['eletroportateis', 7, 180, 3000],
  ['casa_construcao', 6, 100, 2000],
  ['livros_interesse_geral', 5, 40, 450],
  ['alimentos', 5, 40, 500],
  ['moveis_sala', 5, 150, 6000],
  ['climatizacao', 3, 150, 4000],
];
const CATEGORY_PICKER = new WeightedPicker<Category>(
  CATEGORIES.map(([name, weight, medianPrice, medianWeightG]) => [
    { csvName: csvField(name), medianPrice, medianWeightG },
    weight,
  ]),
);

const ORDER_STATUS = new WeightedPicker<string>([
  ['delivered', 0.9],
  ['shipped', 0.03],
  ['canceled', 0.015],
  ['unavailable', 0.01],
  ['invoiced', 0.012],
  ['processing', 0.012],
  ['approved', 0.005],
  ['created', 0.006],
]);

const ITEMS_PER_ORDER = new WeightedPicker<number>([
  [1, 0.86],
  [2, 0.1],
  [3, 0.028],
  [4, 0.012],
]);

// Relative purchase volume per UTC hour: quiet at night, busiest in the evening.
const PURCHASE_HOUR = new WeightedPicker<number>(
  [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2.5, 4.5, 6, 6.5, 6.5, 6, 6.5, 6.5, 6.3, 6.2, 6, 5.5, 5.5, 6.2, 6.5, 5.8, 3.7].map(
    (weight, hour) => [hour, weight] as const,
  ),
);

const SINGLE_PAYMENT_TYPE = new WeightedPicker<string>([
  ['credit_card', 0.76],
  ['boleto', 0.2],
  ['voucher', 0.025],
  ['debit_card', 0.015],
]);

const CARD_INSTALLMENTS = new WeightedPicker<number>(
  [
    [1, 50],
    [2, 12],
    [3, 10],
    [4, 7],
    [10, 5],
    [5, 5],
    [8, 4],
    [6, 4],
    [7, 1.5],
    [9, 0.6],
    [12, 0.5],
    [11, 0.1],
  ] as const,
);

/** Voucher face values in cents, for orders paid voucher + card. */
const VOUCHER_CENTS = [500, 1000, 1500, 2000, 2500, 3000, 5000, 10000] as const;

/** Share of orders paid with voucher + credit card (two payment rows). */
const SPLIT_PAYMENT_SHARE = 0.04;
/** Share of multi-item orders whose next item repeats the previous product. */
const REPEAT_PRODUCT_SHARE = 0.6;
/** Share of customers who are a returning person (same customer_unique_id as an earlier customer). */
const RETURNING_PERSON_SHARE = 0.08;

/** Pool updated_at values lie in Olist's active period: from POOL_EPOCH, POOL_SPAN seconds long. */
const POOL_EPOCH = Date.parse('2016-09-04T00:00:00Z') / 1000;
const POOL_SPAN = 2 * 365 * 86400;

const DAY = 86400;

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** RFC 4180: quote only when the value contains a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** BRL amount with exactly two decimals, from integer cents (no float rounding drift). */
function formatCents(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${PAD2[abs % 100]}`;
}

/** 'YYYY-MM-DD HH:MM:SS' (UTC) from epoch seconds; dates are cached since few distinct days occur. */
class TimestampFormatter {
  private readonly dates = new Map<number, string>();

  format(epochSeconds: number): string {
    const day = Math.floor(epochSeconds / DAY);
    const rem = epochSeconds - day * DAY;
    return `${this.date(day)} ${PAD2[Math.floor(rem / 3600)]}:${PAD2[Math.floor((rem % 3600) / 60)]}:${PAD2[rem % 60]}`;
  }

  date(epochDay: number): string {
    let text = this.dates.get(epochDay);
    if (text === undefined) {
      text = new Date(epochDay * DAY * 1000).toISOString().slice(0, 10);
      this.dates.set(epochDay, text);
    }
    return text;
  }
}

// ---------------------------------------------------------------------------
// Output: buffered CSV file with delayed duplicate rows
// ---------------------------------------------------------------------------

/** Output chunk size: big enough to amortise write calls, small enough to keep memory flat. */
const CHUNK_BYTES = 1 << 20;
/** Duplicates reappear 1..DUPLICATE_WINDOW-1 rows after their original. */
const DUPLICATE_WINDOW = 4096;

/**
 * A CSV file written through 1 MB byte chunks. Each row is encoded into the
 * current chunk as soon as it is produced, so row strings die young (keeping
 * a 1 MB rope of pending row strings made GC dominate the run time). Chunks
 * are recycled once the stream has written them: allocating a fresh 1 MB
 * buffer per chunk made V8 run a full GC every few MB of external memory.
 */
class CsvSink {
  rows = 0;
  private readonly tempPath: string;
  private readonly stream: WriteStream;
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private offset = 0;
  /** Filled chunks (with their used length) waiting for `flush`; the caller flushes whenever `needsFlush`. */
  private ready: Array<{ chunk: Buffer; length: number }> = [];
  /** Chunks the stream has finished writing, ready for reuse. */
  private readonly spare: Buffer[] = [];
  private failure: Error | undefined;
  /** Ring of copies keyed by the row tick at which they are due: O(1) per row. */
  private readonly pendingCopies: Array<string[] | undefined> = new Array(DUPLICATE_WINDOW);
  private tick = 0;

  constructor(
    private readonly finalPath: string,
    header: readonly string[],
  ) {
    this.tempPath = `${finalPath}.partial`;
    // A high-water mark of a few chunks lets CPU and disk overlap.
    this.stream = createWriteStream(this.tempPath, { highWaterMark: 4 * CHUNK_BYTES });
    // Remember errors so they surface at the next flush instead of crashing the process.
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
    this.append(header.join(','));
  }

  get needsFlush(): boolean {
    return this.ready.length > 0;
  }

  /** Appends one data row (no trailing newline), then any copies that are due after it. */
  row(line: string): void {
    this.append(line);
    this.rows++;
    const slot = ++this.tick % DUPLICATE_WINDOW;
    const due = this.pendingCopies[slot];
    if (due !== undefined) {
      this.pendingCopies[slot] = undefined;
      for (const copy of due) {
        this.append(copy);
        this.rows++;
      }
    }
  }

  /** Schedules an exact copy of `line` to be written `delay` rows later (1 <= delay < DUPLICATE_WINDOW). */
  copyLater(line: string, delay: number): void {
    const slot = (this.tick + delay) % DUPLICATE_WINDOW;
    (this.pendingCopies[slot] ??= []).push(line);
  }

  private append(line: string): void {
    // A UTF-16 code unit never needs more than 3 UTF-8 bytes.
    if (this.offset + line.length * 3 + 1 > CHUNK_BYTES) this.rotate();
    this.offset += this.chunk.write(line, this.offset, 'utf8');
    this.chunk[this.offset++] = 0x0a;
  }

  private rotate(): void {
    if (this.offset === 0) return;
    this.ready.push({ chunk: this.chunk, length: this.offset });
    this.chunk = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    this.offset = 0;
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const chunks = this.ready;
    this.ready = [];
    for (const { chunk, length } of chunks) {
      // The stream reads the buffer until the callback fires; only then may it be refilled.
      const written = this.stream.write(chunk.subarray(0, length), () => this.spare.push(chunk));
      if (!written) await once(this.stream, 'drain');
    }
  }

  /** Writes copies still pending (in due order), then flushes and closes the file. */
  async close(): Promise<void> {
    for (let t = this.tick + 1; t < this.tick + DUPLICATE_WINDOW; t++) {
      const slot = t % DUPLICATE_WINDOW;
      const due = this.pendingCopies[slot];
      if (due === undefined) continue;
      this.pendingCopies[slot] = undefined;
      for (const copy of due) {
        this.append(copy);
        this.rows++;
      }
    }
    this.rotate();
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.failure) throw this.failure;
  }

  async publish(): Promise<void> {
    await rename(this.tempPath, this.finalPath);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tempPath, { force: true });
  }
}

// ---------------------------------------------------------------------------
// Defects
// ---------------------------------------------------------------------------

/** Draws at most one defect kind per row; each kind has probability `rate`. */
class DefectDraw {
  readonly rng: Rng;
  private readonly total: number;

  constructor(
    rng: Rng,
    private readonly kinds: readonly DefectKind[],
    private readonly rate: number,
    private readonly counts: Record<DefectKind, number>,
  ) {
    this.rng = rng;
    this.total = rate * kinds.length;
  }

  /** The defect for the next row, already counted, or undefined for a clean row. */
  next(): DefectKind | undefined {
    if (this.rate === 0) return undefined;
    const u = this.rng.float();
    if (u >= this.total) return undefined;
    const kind = this.kinds[Math.min(this.kinds.length - 1, Math.floor(u / this.rate))];
    this.counts[kind]++;
    return kind;
  }

  duplicateDelay(): number {
    return this.rng.int(1, DUPLICATE_WINDOW - 1);
  }
}

/** Purchase timestamps no strict 'YYYY-MM-DD HH:MM:SS' parser accepts; one needs CSV quoting. */
function unparseableTimestamp(rng: Rng, businessDate: string): string {
  const [year, month, day] = businessDate.split('-');
  switch (rng.int(0, 5)) {
    case 0:
      return `${year}-02-30 25:61:00`;
    case 1:
      return 'n/a';
    case 2:
      return '0000-00-00 00:00:00';
    case 3:
      return `${year}-13-${day} 12:00:00`;
    case 4:
      return `${businessDate}T99:99:99`;
    default:
      return csvField(`${day}/${month}/${year}, 24:60`);
  }
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

interface DayContext {
  seed: number;
  businessDate: string;
  /** Epoch seconds of the business date's 00:00:00 UTC. */
  dayStart: number;
  pools: { customers: number; products: number };
  timestamps: TimestampFormatter;
  defectDraw(source: ExportSource): DefectDraw;
}

/** The parts of the catalog that order lines need. */
interface Catalog {
  size: number;
  ids: string[];
  sellerIds: string[];
  priceCents: Int32Array;
  weightG: Int32Array;
}

/**
 * Pool entities carry an updated_at from the seed only; one that would lie
 * after the business date is pulled back onto it so no row comes from the future.
 */
function poolUpdatedAt(day: DayContext, offset: number): string {
  let at = POOL_EPOCH + offset;
  if (at >= day.dayStart + DAY) at = day.dayStart + (offset % DAY);
  return day.timestamps.format(at);
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

/** Writes the whole catalog and returns what orders need from it. */
async function writeProducts(sink: CsvSink, day: DayContext): Promise<Catalog> {
  const size = day.pools.products;
  const attrKey = deriveKey(day.seed, 'product.attributes');
  const idKey = deriveKey(day.seed, 'product.id');
  const sellerIdKey = deriveKey(day.seed, 'seller.id');
  const sellerRunKey = deriveKey(day.seed, 'seller.run');
  const catalog: Catalog = {
    size,
    ids: new Array<string>(size),
    sellerIds: new Array<string>(size),
    priceCents: new Int32Array(size),
    weightG: new Int32Array(size),
  };
  const defects = day.defectDraw('products');

  // Sellers own consecutive runs of product indices (1..40 products each), so a
  // product's seller depends only on the seed, not on the pool size.
  let seller = -1;
  let sellerId = '';
  let runLeft = 0;

  for (let i = 0; i < size; i++) {
    if (runLeft === 0) {
      seller++;
      sellerId = keyedHex32(sellerIdKey, seller);
      runLeft = 1 + Math.floor(keyedFloat(sellerRunKey, seller) ** 3 * 40);
    }
    runLeft--;

    const rng = Rng.forIndex(attrKey, i);
    const category = CATEGORY_PICKER.pick(rng);
    const weight = clamp(Math.round(rng.logNormal(category.medianWeightG, 0.9)), 50, 40425);
    // Box size follows weight (density ~0.25 g/cm3), with per-axis jitter.
    const side = Math.cbrt(weight * 4);
    const length = clamp(Math.round(side * rng.logNormal(1.3, 0.3)), 16, 105);
    const height = clamp(Math.round(side * rng.logNormal(0.7, 0.4)), 2, 105);
    const width = clamp(Math.round(side * rng.logNormal(1, 0.3)), 11, 118);
    const price = clamp(Math.round(rng.logNormal(category.medianPrice, 0.75) * 100), 85, 673500);
    const updatedAt = poolUpdatedAt(day, rng.int(0, POOL_SPAN));
    const id = keyedHex32(idKey, i);

    catalog.ids[i] = id;
    catalog.sellerIds[i] = sellerId;
    catalog.priceCents[i] = price;
    catalog.weightG[i] = weight;

    const defect = defects.next();
    const categoryField = defect === 'missingOptional' ? '' : category.csvName;
    const line = `${id},${categoryField},${weight},${length},${height},${width},${updatedAt}`;
    sink.row(line);
    if (defect === 'duplicate') sink.copyLater(line, defects.duplicateDelay());
    if (sink.needsFlush) await sink.flush();
  }
  return catalog;
}

/**
 * Streams the day's orders (one row per item) and their payments. Returns a
 * bitmap over the customer pool of the customers referenced today.
 */
async function writeOrdersAndPayments(
  orderSink: CsvSink,
  paymentSink: CsvSink,
  day: DayContext,
  catalog: Catalog,
  orderCount: number,
): Promise<Uint8Array> {
  const rng = new Rng(`${day.seed}|orders|${day.businessDate}`);
  const customerIdKey = deriveKey(day.seed, 'customer.id');
  const customerPool = day.pools.customers;
  const referenced = new Uint8Array(customerPool);
  const orderDefects = day.defectDraw('orders');
  const paymentDefects = day.defectDraw('payments');
  const ts = day.timestamps;

  for (let o = 0; o < orderCount; o++) {
    const orderId = rng.hex32();
    const customer = rng.int(0, customerPool - 1);
    referenced[customer] = 1;
    const customerId = keyedHex32(customerIdKey, customer);
    const status = ORDER_STATUS.pick(rng);

    const purchase = day.dayStart + PURCHASE_HOUR.pick(rng) * 3600 + rng.int(0, 3599);
    const purchaseText = ts.format(purchase);
    // Approval within a day (mostly minutes) keeps it before any delivery (>= 2 days).
    const approvalDelay = 60 + Math.floor(rng.float() ** 3 * 86000);
    const unapproved = status === 'created' || (status === 'canceled' && rng.chance(0.4));
    const approvedText = unapproved ? '' : ts.format(purchase + approvalDelay);
    const deliveredText =
      status === 'delivered' ? ts.format(purchase + 2 * DAY + Math.floor(rng.float() ** 2 * 28 * DAY)) : '';
    const estimatedText = `${ts.date(Math.floor(day.dayStart / DAY) + rng.int(7, 45))} 00:00:00`;

    const items = ITEMS_PER_ORDER.pick(rng);
    let orderTotal = 0;
    let product = pickProduct(rng, catalog.size);
    for (let item = 1; item <= items; item++) {
      if (item > 1 && !rng.chance(REPEAT_PRODUCT_SHARE)) product = pickProduct(rng, catalog.size);
      const price = catalog.priceCents[product];
      // Freight grows with weight, plus a distance-like random component.
      const freight = Math.min(40900, 700 + Math.round(catalog.weightG[product] * 0.8) + rng.int(0, 1500));
      orderTotal += price + freight;

      let customerField = customerId;
      let productField = catalog.ids[product];
      let purchaseField = purchaseText;
      let priceField = price;
      const defect = orderDefects.next();
      if (defect === 'missingRequired') customerField = '';
      else if (defect === 'unparseableDate') purchaseField = unparseableTimestamp(orderDefects.rng, day.businessDate);
      else if (defect === 'negativeAmount') priceField = -price;
      else if (defect === 'orphanForeignKey') {
        // A fresh random id: 128 bits, so it cannot realistically hit a pool id.
        if (orderDefects.rng.chance(0.5)) customerField = orderDefects.rng.hex32();
        else productField = orderDefects.rng.hex32();
      }

      const line =
        `${orderId},${item},${customerField},${productField},${catalog.sellerIds[product]},${status},` +
        `${purchaseField},${approvedText},${deliveredText},${estimatedText},` +
        `${formatCents(priceField)},${formatCents(freight)}`;
      orderSink.row(line);
      if (defect === 'duplicate') orderSink.copyLater(line, orderDefects.duplicateDelay());
    }

    writePayments(paymentSink, paymentDefects, rng, orderId, orderTotal);

    if (orderSink.needsFlush) await orderSink.flush();
    if (paymentSink.needsFlush) await paymentSink.flush();
  }
  return referenced;
}

/** Popularity is skewed towards low pool indices, like a long-tail catalog. */
function pickProduct(rng: Rng, catalogSize: number): number {
  return Math.floor(catalogSize * rng.float() ** 1.4);
}

/** One payment (or voucher + card) whose values sum exactly to the order total in cents. */
function writePayments(sink: CsvSink, defects: DefectDraw, rng: Rng, orderId: string, totalCents: number): void {
  if (totalCents >= 2 && rng.chance(SPLIT_PAYMENT_SHARE)) {
    const face = rng.pick(VOUCHER_CENTS);
    const voucher = face < totalCents ? face : Math.floor(totalCents / 2);
    writePayment(sink, defects, orderId, 1, 'voucher', 1, voucher);
    writePayment(sink, defects, orderId, 2, 'credit_card', CARD_INSTALLMENTS.pick(rng), totalCents - voucher);
    return;
  }
  const type = SINGLE_PAYMENT_TYPE.pick(rng);
  const installments = type === 'credit_card' ? CARD_INSTALLMENTS.pick(rng) : 1;
  writePayment(sink, defects, orderId, 1, type, installments, totalCents);
}

function writePayment(
  sink: CsvSink,
  defects: DefectDraw,
  orderId: string,
  sequential: number,
  type: string,
  installments: number,
  valueCents: number,
): void {
  const defect = defects.next();
  let orderField = orderId;
  let value = valueCents;
  if (defect === 'missingRequired') orderField = '';
  else if (defect === 'orphanForeignKey') orderField = defects.rng.hex32();
  // Every order total is > 0 (prices >= 0.85), so negating always yields a negative amount.
  else if (defect === 'negativeAmount') value = -valueCents;
  const line = `${orderField},${sequential},${type},${installments},${formatCents(value)}`;
  sink.row(line);
  if (defect === 'duplicate') sink.copyLater(line, defects.duplicateDelay());
}

/** Name, e-mail and phone of person #person, already CSV-escaped: a pure function of (key, person). */
function contactFields(key: number, person: number): string {
  const first = keyedUint32(key, person, 0) % FIRST_NAMES.length;
  const last = keyedUint32(key, person, 1) % SURNAMES.length;
  const draw = keyedUint32(key, person, 2);
  // About half the people carry two surnames, as is common in Brazil.
  const middle = draw % 2 === 0 ? `${SURNAMES[(last + 1 + (draw >>> 8) % (SURNAMES.length - 1)) % SURNAMES.length]} ` : '';
  const name = `${FIRST_NAMES[first]} ${middle}${SURNAMES[last]}`;
  const email = `${FIRST_NAME_EMAIL[first]}.${SURNAME_EMAIL[last]}.${person}@${EMAIL_DOMAINS[(draw >>> 4) % EMAIL_DOMAINS.length]}`;
  const digits = keyedUint32(key, person, 3);
  const noPhone = (digits >>> 8) / 2 ** 24 < NO_PHONE_SHARE;
  const subscriber = String(digits % 100_000_000).padStart(8, '0');
  const phone = noPhone ? '' : `(${AREA_CODES[(draw >>> 12) % AREA_CODES.length]}) 9${subscriber.slice(0, 4)}-${subscriber.slice(4)}`;
  return `${csvField(name)},${email},${phone}`;
}

/** The street address of customer #i, CSV-escaped (it holds a comma, so it is quoted). */
function streetField(key: number, i: number): string {
  const draw = keyedUint32(key, i, 0);
  const street = `${STREET_TYPES[draw % STREET_TYPES.length]} ${STREET_NAMES[(draw >>> 4) % STREET_NAMES.length]}, ${1 + ((draw >>> 12) % 2999)}`;
  return csvField(street);
}

/** Writes each referenced customer once (pool order), derived purely from the seed. */
async function writeCustomers(sink: CsvSink, day: DayContext, referenced: Uint8Array): Promise<void> {
  const idKey = deriveKey(day.seed, 'customer.id');
  const personKey = deriveKey(day.seed, 'customer.person');
  const uniqueIdKey = deriveKey(day.seed, 'customer.unique_id');
  const cityKey = deriveKey(day.seed, 'customer.city');
  const zipKey = deriveKey(day.seed, 'customer.zip');
  const updatedKey = deriveKey(day.seed, 'customer.updated_at');
  const contactKey = deriveKey(day.seed, 'customer.contact');
  const streetKey = deriveKey(day.seed, 'customer.street');
  const defects = day.defectDraw('customers');

  for (let i = 0; i < referenced.length; i++) {
    if (referenced[i] === 0) continue;
    // Some customer_ids belong to a returning person: reuse an earlier customer's unique id.
    const returning = i > 0 && keyedFloat(personKey, i, 0) < RETURNING_PERSON_SHARE;
    const person = returning ? keyedUint32(personKey, i, 1) % i : i;
    const city = CITY_PICKER.pickWith(keyedFloat(cityKey, i));
    const zip = String(city.zipFrom + (keyedUint32(zipKey, i) % (city.zipTo - city.zipFrom + 1))).padStart(5, '0');
    const updatedAt = poolUpdatedAt(day, keyedUint32(updatedKey, i) % POOL_SPAN);

    const defect = defects.next();
    const cityField = defect === 'missingOptional' ? '' : city.csvName;
    const contact = `${contactFields(contactKey, person)},${streetField(streetKey, i)}`;
    const line = `${keyedHex32(idKey, i)},${keyedHex32(uniqueIdKey, person)},${contact},${zip},${cityField},${city.state},${updatedAt}`;
    sink.row(line);
    if (defect === 'duplicate') sink.copyLater(line, defects.duplicateDelay());
    if (sink.needsFlush) await sink.flush();
  }
}
