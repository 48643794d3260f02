import { keyOf } from "./keys";

/**
 * Workplace words that mean the same thing, one group a line, its Hungarian
 * words, then "|" and its English ones (each stemmed in its own language): a question in other words than the policy's ("bike" for
 * "bicycle", "reimburse" for "költségtérítés", "laptop" for "számítógép")
 * still finds it. A related word matches at RELATED_STRENGTH, below the
 * question's own words. Single words only; general vocabulary, not any one
 * tenant's: a tenant's own terms are found by stemming.
 */
const GROUPS = `
szabadság szabadnap távollét | leave holiday holidays vacation
beteg betegség betegszabadság táppénz | sick sickness illness
szülési anyasági | maternity
apasági | paternity
szülő szülők | parent parents
gyerek gyermek baba csecsemő | child children baby kid kids
születés szülés | birth born
partner házastárs férj feleség élettárs | partner spouse husband wife
fizetés bér munkabér | salary wage wages payroll
fizet térít térítés megtérít visszatérít kifizet | pay paid pays reimburse reimbursed reimbursement refund
költség kiadás költségtérítés | expense expenses cost costs
otthon otthoni | home
távmunka távmunkát | remote
iroda irodában | office offices
laptop notebook számítógép gép | laptop notebook computer pc
telefon mobil mobiltelefon | phone mobile smartphone
elvesztés elveszít elveszt elvesztett | lost lose loss
lopás ellop lop ellopták ellopják | stolen steal theft
bejelent bejelentés jelent jelentés értesít | report reporting notify
jóváhagy jóváhagyás engedélyez engedély | approve approval approves permission
vezető főnök felettes | manager boss supervisor
kolléga munkatárs | colleague colleagues coworker coworkers
zaklatás zaklat megfélemlítés | bullying harassment bully
autó gépkocsi kocsi | car cars vehicle
kerékpár bicikli bringa | bicycle bicycles bike bikes
parkolás parkoló garázs | parking garage
repülő repülőgép repül repülni | flight flights fly plane
vonat | train trains rail
szállás szálloda | hotel hotels accommodation
kiküldetés utazás | trip trips travel travelling journey
napidíj | allowance
étkezés étel ebéd vacsora | meal meals food lunch dinner
számla nyugta bizonylat | receipt receipts invoice
tanfolyam képzés kurzus tréning | course courses training class
konferencia | conference conferences
jegy | ticket tickets
vizsga | exam exams examination
túlóra | overtime
hétvége hétvégén | weekend weekends
kezd kezdés kezdeni kezdhet | start starts begin
reggel | morning
látogató vendég | visitor visitors guest guests
belépőkártya belépő kártya | badge card
ajándék | gift gifts present
csalás vesztegetés korrupció | fraud bribery corruption
névtelen névtelenül anonim | anonymous anonymously
próbaidő | probation
kilép kilépés felmond felmondás megszűnés | quit resign resignation termination
visszaad visszaadni | return returned
gyanús | suspicious
levél | email mail message
vírus kártevő | virus malware
frissítés | update updates
újraindítás | restart reboot
részmunkaidő | parttime
drága költséges | expensive costly
szoftver program alkalmazás | software program app
tárgyalás megbeszélés értekezlet | meeting meetings
dolgozik dolgozni dolgozhat munka munkavégzés | work working job
jár jogosult megillet illeti | entitled eligible due
igényel igénylés igényelni kér kérni kérés kérelem | request requests apply ask
`;

/** A related word matches this much of a word the question uses itself. */
export const RELATED_STRENGTH = 0.7;

/** Every key a group member has, in either language, mapped to the keys of its group. */
const RELATED = (() => {
  const byKey = new Map<string, Set<string>>();
  for (const line of GROUPS.trim().split("\n")) {
    const [hu = "", en = ""] = line.split("|");
    const words = (list: string) => list.split(/\s+/).filter(Boolean);
    // A group is found by its words' own keys; it yields those and, for its English words, their keys as a
    // Hungarian text indexes them too ("home office" in a Hungarian policy).
    const own = [...words(hu).map((w) => keyOf(w, "hu")), ...words(en).map((w) => keyOf(w, "en"))];
    const yields = new Set([...own, ...words(en).map((w) => keyOf(w, "hu"))]);
    for (const key of own) {
      const group = byKey.get(key) ?? new Set<string>();
      for (const k of yields) group.add(k);
      byKey.set(key, group);
    }
  }
  return byKey;
})();

/**
 * The keys of words related to any of these keys, the keys themselves
 * excluded. A key finds the groups of the keys it extends or that extend it
 * (four letters or more), as the index matches them: "otthonrol", typed
 * without accents and so unstemmed, still finds "otthon".
 */
export function relatedKeys(keys: string[]): string[] {
  const related = new Set<string>();
  for (const key of keys) {
    for (const [member, group] of RELATED) {
      const [short, long] = key.length <= member.length ? [key, member] : [member, key];
      if (key === member || (short.length >= 4 && long.startsWith(short))) for (const k of group) related.add(k);
    }
  }
  for (const key of keys) related.delete(key);
  return [...related];
}
