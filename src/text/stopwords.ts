/**
 * Words that carry no topic in a workplace question or policy, Hungarian and
 * English, lower case with accents (the folded forms are added below, so a
 * question typed without accents loses the same words). Drawn from the usual
 * Snowball-style lists, minus words that are topics in policies ("hét" week,
 * "év" year, "nap" day, "munka" work) and plus the conversational words of
 * questions ("how long", "mit tegyek", "please"), which name no topic either.
 */
const HUNGARIAN = `
a az egy és s vagy de hogy is sem nem igen ha akkor mert mint pedig illetve vagyis valamint tehát hanem
van vannak volt voltak lesz lesznek lenne legyen vagyok vagy vagyunk vagytok nincs nincsenek
mi mit mik mikor miért mire miről mivel mennyi mennyit mennyire hány hányat hányadik hogyan hol honnan hova
milyen milyenek melyik melyek mely ki kik kit kinek kié kihez kitől meddig mióta mettől
ez az ezt azt ezek azok ennek annak ebben abban erre arra erről arról ezzel azzal ilyen olyan itt ott így úgy
én te ő mi ti ők engem téged minket titeket nekem neked neki nekünk nektek nekik enyém tiéd övé
magam magad maga saját sajátom
kell kellene lehet lehetne szabad tud tudok tudom tudunk tudni szeretnék szeretném szeretnénk akarok
tegyek tegyünk csináljak csináljunk teendő mondd mondja mondjátok kérdés kérdésem kérdezném
szia sziasztok hello helló kérem kérlek köszönöm köszi üdv
gyakran általában pontosan tényleg vajon egyáltalán esetleg inkább nagyon kicsit
megy megyek mész megyünk menni mehetek jön jövök jönni csinál csinálni történik
meg már még csak is sem se mindig soha néha most majd aztán utána előtte közben
minden mindent valami valamit semmi semmit néhány sok kevés több kevesebb egyéb más másik egyik
által után előtt között alatt felett mellett szerint során miatt helyett nélkül óta ellen felé
egy két három négy öt hat nyolc kilenc tíz első második harmadik
`;

const ENGLISH = `
a an the and or but if then so than that this these those there here
i me my mine myself you your yours we us our ours he him his she her hers it its they them their theirs
is are was were be been being am do does did doing done have has had having
will would shall should can could may might must need needs ought
what which who whom whose when where why how how's what's
not no yes nor only just also too very more most less least much many long often
of to in on at by for with from as into onto about above below over under out off up down
again further once all any both each few other some such own same
please thanks thank hello hi hey tell know want like
go goes going get gets got getting happen happens happened often okay ok anything something someone anyone
really actually exactly usually still even ever else way
one two three four five six seven eight nine ten
`;

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "");

const words = (list: string) => list.split(/\s+/).filter(Boolean);

/** Both languages' stop words, with their accent-free forms. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  [...words(HUNGARIAN), ...words(ENGLISH)].flatMap((w) => [w, fold(w)]),
);

export const isStopWord = (word: string) => STOP_WORDS.has(word);
