/**
 * Multilingual cue lexicon: what a task asks for (intent), what is at stake, and its form, in
 * English, German, French and Spanish. Each concept is one feature of the classifier, so a word
 * it never saw in training still counts when it belongs to a known concept, in any of the four
 * languages and in mixtures of them.
 *
 * Patterns read folded text (see `foldText`): lower case, accents stripped, ß as ss, so
 * "ändern", "andern" and "Ändern" are one word and a missing accent is no typo. Stems are
 * written open-ended (`zusammenfass\w*`) so that inflections and most suffix typos still match.
 * After an edit, run `npm run train:routing` (as for english-cues.ts).
 */

const NON_ASCII = /[^\x00-\x7f]/;

/** Lower case, accents removed, ß → ss, curly apostrophes straight. Same length or shorter. */
export function foldText(text: string): string {
  // Most requests are plain ASCII: lower-casing is all they need, and NFD is the costly step.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[\u2018\u2019]/g, "'");
}

/** Verbs and phrases asking for something to be written or built, in the four languages. */
const BUILD_VERBS: readonly string[] = [
  'write', 'writing', '(?:regexp?|regex|script|skript|one-?liner|function|funktion|fonction|funcion|query|formula|formel|formule|macro|jq filter|cron line)s?(?: (?:google|excel|sheets?|libreoffice|numbers|bash|python|sql|shell)){0,2} (?:to|for|para|pour|um|zum|zur)', 'redig\\w*', 'redact(?:a|ar|ame|e)', 'verfass\\w*', 'implement\\w*', 'build', 'create', 'generate', 'make me a',
  'schreib\\w*', 'programmier\\w*', 'implementier\\w*', 'erstell\\w*', 'generier\\w*', 'bau(?:e|en|t|st)?',
  'ecri(?:s|re|t|vez)', 'programm\\w*', 'implemente\\w*', 'cree(?:r|z)?', 'genere(?:r|z)?',
  'escrib\\w*', 'programa\\w*', 'implementa\\w*', 'crea(?:r|te|ted|tes|ting|me|lo|la)?', 'genera(?:r|te|ted|tes|ting|me|lo|la)?', 'haz',
    ];

/** A pattern that matches when any of `patterns` does. */
const either = (...patterns: RegExp[]): RegExp => new RegExp(patterns.map((pattern) => `(?:${pattern.source})`).join('|'), 'u');

export interface Concept {
  name: string;
  pattern: RegExp;
}

/** One pattern for whole words or phrases: folded text is ASCII but for the rare letter NFD keeps (ø, ł). */
const words = (...alternatives: string[]): RegExp => new RegExp(`\\b(?:${alternatives.join('|')})(?![\\w\\u00c0-\\uffff])`);

/**
 * The concepts. Kept literal and small: each is a family of words that a few thousand examples
 * cannot all contain. The names say which side of the routing table they lean to; the weights
 * are learnt, not set here.
 */
export const CONCEPTS: readonly Concept[] = [
  // --- intent: orchestration ---
  {
    name: 'intent-summarise',
    pattern: words(
      'condens\\w*', 'boil (?:\\w+ ){0,6}down', 'run-?down', 'digest of', 'describe [^.?!]{0,60} in (?:one|two|three|four|five|a few|\\d) (?:sentences|lines|bullets)',
      'summar\\w*', 'recap\\w*', 'tl;?dr', 'gist', 'sum up', 'boil down',
      'zusammenfass\\w*', 'fass\\w* [^.?!]{0,60}zusammen', 'kurzfassung', 'uberblick', 'das wichtigste',
      'resum(?:e|es|er|ez|en|ir|ido|a)', 'synthes\\w*', 'en bref', 'les grandes lignes',
      'resumen', 'resumir', 'lo principal', 'en pocas palabras',
      'in (?:one|two|three|a few|\\d) (?:sentences?|lines?|bullet points|points)', '(?:main|key) (?:points|takeaways)', 'in (?:einem|zwei|drei|ein paar|\\d) (?:satzen|satz|zeilen|punkten)',
      'en (?:une|deux|trois|quelques|\\d) (?:phrases?|lignes?|points)', 'en (?:una|dos|tres|pocas|\\d) (?:frases?|lineas?|puntos)',
    ),
  },
  {
    name: 'intent-extract',
    pattern: words(
      'copy out', 'gather (?:the|all|every)', 'entnehm\\w*', 'pull (?:\\w+ ){0,3}out',
      'triag\\w*', 'tri(?:e|er) (?:les|mes)', 'sortier\\w* [^.?!]{0,40} (?:in|nach)',
      'extract(?:s|ed|ing|ion)?', 'pull out', 'pull the', 'grab',
      'just (?:the )?list', 'list (?:the|all|every|each)', 'liste (?:die|alle|mir)', 'auflist\\w*', 'lista (?:los|las|todos|todas|mis)', 'juste la liste', 'solo la lista', 'nur (?:die )?liste', 'extrahier\\w*', 'raussuch\\w*', 'heraussuch\\w*', 'rausziehen', 'herausziehen', 'rausholen', 'such\\w* [^.?!]{0,40}raus',
      'extrai\\w*', 'releve\\w*', 'recupere\\w*',
      'extrae\\w*', 'extraer', 'saca\\w*',
    ),
  },
  {
    name: 'intent-lookup',
    pattern: words(
      '(?:the )?(?:phone )?number (?:of|for) (?:the|my|our)', 'le num(?:ero)? d[eu]', '(?:die )?(?:telefon)?nummer (?:von|vom|der|des)', 'el (?:numero|telefono) de',
      'did (?:the |my |our )?\\w+ (?:ever |finally |already )?(?:reply|answer|respond|write back|get back|call back|confirm|pay|send|book|show up)', 'hat (?:der|die|das|mein\\w*) \\w+ (?:endlich |schon |jemals )?(?:geantwortet|zuruckgeschrieben|angerufen)', '(?:a|est-ce que) (?:le|la|mon|ma) \\w+ (?:a )?(?:enfin |deja )?repondu', '(?:ha|me ha) (?:contestado|respondido)',
      "who (?:still )?(?:hasn't|has not|hasnt|didn't|did not|owes|is missing|still)", 'which \\w+(?: [^.?!]{0,40})? (?:have|has|are|were) (?:been|not|still)', 'what did (?:\\w+ ){1,2}(?:ask|say|want|send|write|need)', '(?:what|which) (?:day|date|weekday)', 'auf welchen (?:tag|wochentag)', 'welche\\w* (?:wochentag|datum|tag)', 'quel jour', 'la date d[eu]', 'que dia', 'la fecha d[eu]', 'listen', 'lister', 'listar', 'm\'indiquer', 'indiquez', 'open (?:prs|pull requests|issues|tickets)', 'offene\\w* (?:prs|tickets|issues)', 'when (?:are|will) they', 'is \\w+ open on', 'open on (?:saturdays?|sundays?|weekends?|mondays?)',
      '(?:guck|schau)\\w* (?:mal )?(?:nach,? )?ob', '(?:mira|mirar|revisa|checa)\\w* si', '(?:regarde|verifie)\\w* si', 'retrouve\\w* d\'ou', 'd\'ou (?:ca|il|elle) vient',
      'which of (?:my|our|the) \\w+ (?:have|has|are|is|were)', '(?:already|yet) (?:signed|paid|replied|answered|shipped)', 'schon (?:bezahlt|unterschrieben|geantwortet|uberwiesen|geliefert)', 'ya (?:firmo|pago|contesto|respondio|envio|ha firmado|ha pagado)', 'deja (?:signe|paye|repondu)',
      '(?:build|ci|pipeline|deploy)[- ]?status', 'ci (?:failing|red|green|broken)', 'combien de \\w+ on a',
      'look up', 'lookup', 'who (?:sent|called|emailed|wrote|rang)', 'anything (?:booked|on|new|from|i should know|urgent)', 'do i have (?:anything|any|a)', 'next (?:train|bus|flight|tram|ferry)', 'is (?:the|my) \\w+ (?:finished|done|open|ready|here|due)', 'tell me if', 'let (?:\\w+ ){1,4}know', 'is there (?:a|any)', 'y a-t-il', 'hay (?:algun|alguna|retraso)', 'balance', "who's", 'pulling', 'label\\w*', 'classif\\w*', 'categori[sz]\\w*', 'sort (?:these|this|my|the)', 'etikettier\\w*', 'sortier\\w*', 'klassifizier\\w*', 'etiquet\\w*', 'classe[rz]?', 'clasifica\\w*', 'ordena\\w*', '(?:are|is) (?:still )?due', 'due (?:date|before|on|by)', 'which (?:bills|invoices|emails|tasks|ones)', 'wer hat', 'hab ich', 'habe ich', 'nachste\\w* (?:zug|bus|flug)', 'sag mir ob', 'mitteilen', 'fallig\\w*', 'qui a', 'ai-je', 'prochain (?:train|bus|vol)', 'dis-moi si', 'echeance', 'quien (?:ha|me)', 'tengo algo', 'proximo (?:tren|autobus|vuelo)', 'dime si', 'indicarme', 'vence\\w*', 'pendientes? de pago', 'find', 'check(?!-?lists?)', 'search(?! (?:algorithm|function|tree|engine|index))', 'when (?:is|does|do|did)', 'what time', 'how long', 'how much did', 'how many',
      'nachschau\\w*', 'schau(?:e|en|t|st)?', 'such(?:e|en|t|st)', 'such mal', 'finde(?:n|t|st)?', 'wann', 'wie lange', 'wie viel\\w*', 'wieviel\\w*', 'welche\\w* termin\\w*', 'gibt es',
      'cherche\\w*', 'trouve\\w*', 'verifie\\w*', 'quand', 'combien', 'combien de temps', 'a quelle heure', 'quel(?:le)?s? (?:est|sont)',
      'busca\\w*', 'encuentra\\w*', 'comprueba\\w*', 'cuando', 'cuanto\\w*', 'cuanto tiempo', 'a que hora', 'que tengo', 'cual es',
    ),
  },
  {
    name: 'intent-explain',
    pattern: words(
      'explain\\w*', 'what does [^.?!]{0,40} mean', 'what went wrong', 'tell me what', 'sag mir was', 'was ist (?:da )?(?:los|schiefgelaufen)', 'dis[- ]moi ce que', 'ce qui (?:s\'est passe|ne va pas)', 'dime (?:que|lo que)', 'que (?:ha )?paso', 'what (?:does|is) this', 'walk me through', 'help me understand',
      'erklar\\w*', 'erlauter\\w*', 'was bedeutet', 'was macht', 'was heisst',
      'expliqu\\w*', 'que (?:veut dire|signifie)', 'qu\'est-ce que (?:fait|veut)',
      'explica\\w*', 'que significa', 'que hace',
    ),
  },
  {
    name: 'personal-admin',
    pattern: words(
      '(?:in|into) (?:some |a )?(?:sensible|logical|good|reasonable) order', 'plan (?:my|our|the) (?:day|morning|afternoon|evening|saturday|sunday|weekend|week)', 'add [^.?!]{1,50} to (?:my |the )?(?:list|calendar|todo|to-do|monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow)', 'a name for', 'give me (?:\\d|two|three|a few|some) (?:options|names|ideas)', 'einen namen fur', 'un nom pour', 'un nombre para', 'in eine (?:sinnvolle )?reihenfolge', 'dans un ordre (?:logique|sensé|sense)', 'en un orden (?:logico|sensato)',
      'calendar', 'diary', 'agenda', 'inbox', 'remind\\w*', 'appointment\\w*', 'meeting\\w*', 'todo', 'to-do',
      'kalender', 'termin(?:e|en|s)?', 'zahnarzttermin\\w*', 'arzttermin\\w*', 'ordner', 'ablegen', 'leg\\w* [^.?!]{0,40} ab', 'erinner\\w*', 'posteingang', 'aufgabenliste', 'einkaufsliste',
      'rendez-vous', 'rappelle\\w*', 'boite (?:mail|de reception)', 'reunion\\w*',
      'calendario', 'citas?', 'recuerda\\w*', 'recordatorio\\w*', 'bandeja de entrada', 'correo\\w*',
    ),
  },
  {
    // Code, logs or a design are to be read, not changed.
    name: 'read-only',
    pattern: words(
      "(?:don't|do not|dont|without|no need to) (?:change|changing|touch|touching|edit|editing|modify|modifying|fix|fixing|rewrite|rewriting)\\w*(?! (?:(?:the|its|his|her|their|le|la|les|son|sa|den|die|das|el|la|su|sus) )?(?:meaning|substance|sense|content|gist|tone|fond|sens|contenu|inhalt|sinn|sentido|fondo|contenido|significado))",
      // A negation just before a change verb: "I'm not changing it", "pas besoin de corriger".
      "(?:not|n't|never|no|nicht|nichts|nix|kein\\w*|pas|rien|sans|ohne|without|sin|ni)\\b(?! (?:den|die|das|dem) (?:inhalt|sinn|ton)\\b)(?! (?:va|funciona\\w*|anda|works?|working|geht|lauft|funktioniert|marche|fonctionne)\\b)[^.?!,\u00bf]{0,25}\\b(?:chang|fix|touch|edit|modif|rewrit|ander|anfass|umbau|korrig|corrig|toqu|toca|arregl|cambi)\\w*(?! (?:(?:the|its|his|her|their|le|la|les|son|sa|den|die|das|el|la|su|sus) )?(?:meaning|substance|sense|content|gist|tone|fond|sens|contenu|inhalt|sinn|sentido|fondo|contenido|significado))",
      "(?:don't|do not|dont|won't|no) (?:want|need)(?: any)? (?:changes|edits|fixes)", "(?:no|without) changes", 'keine (?:anderungen|anderung)', 'pas de modifications?', 'sin cambios',
      "n'y touche\\w* pas", '(?:touche|modifie|change|corrige)\\w* (?:a )?(?:pas|rien)', '(?:nichts|nicht) (?:ge)?ander\\w*',
      '(?:fix|fixen|corrige\\w*|arregl\\w*) (?:it |that |das |le |lo )?(?:myself|selber|selbst|moi-meme|moi meme|yo mism[oa])', 'mach ich selber',
      '(?:leave|keep) (?:it|this|that|the \\w+) as (?:it )?is', 'telle? quelle?', 'tal (?:cual|como esta)', 'so lassen', 'unverandert',
      'no (?:edits|changes|fixes)(?: needed)?', 'without fixing', "i'll fix it myself", 'read[- ]only', 'just (?:tell|explain|understand)', 'only (?:explain|understand)',
      '(?:nichts|nix) (?:zu )?(?:andern|anfassen|veranderen|fixen|umbauen|korrigieren)', 'nicht (?:andern|anfassen|fixen)', 'ohne (?:etwas |was |es )?(?:zu )?(?:andern|anzufassen)', 'nur (?:erklaren|verstehen)',
      'sans (?:rien )?(?:modifier|changer|toucher|corriger)', 'ne (?:touche|modifie|change) (?:a )?rien', 'juste (?:explique|comprendre)',
      'sin (?:cambiar|tocar|modificar|arreglar|corregir)', 'no (?:modifiques|cambies|toques)', 'solo (?:explica|entender)',
    ),
  },
  // --- intent: execution ---
  {
    name: 'intent-build',
    pattern: words(
      'code', 'code(?:s|d|r)?', ...BUILD_VERBS,
    ),
  },
  {
    // A verb that asks for something to be written, without the noun "code" ("is this code safe?").
    name: 'build-verb',
    pattern: words(...BUILD_VERBS),
  },
  {
    name: 'intent-change',
    pattern: words(
      'fix(?:es|ing|en)?', 'change', 'modify', 'refactor\\w*', 'rename\\w*', 'update the', 'add (?:a|an) (?:column|test|field|flag|option)', 'add', 'remove', 'swap', 'split', 'tidy', 'dedupe', 'clean up', 'patch', 'entfern\\w*', 'teil\\w* [^.?!]{0,30} auf', 'decoupe\\w*', 'supprime\\w*', 'parte\\w*', 'quita\\w*', 'anade\\w*', 'ajoute\\w*', 'hinzufug\\w*', 'erganz\\w*', 'migrat\\w*', 'convert\\w*',
      'ander(?:n|t|st)', 'anderung\\w*', 'andere (?:die|das|den|mal|bitte)', 'anpass\\w*', 'beheb\\w*', 'reparier\\w*', 'umschreib\\w*', 'schreib\\w* [^.?!]{0,40} um', 'umbenenn\\w*', 'konvertier\\w*',
      'corrig\\w*', 'modifi\\w*', 'chang\\w*', 'renomm\\w*', 'convert\\w*', 'repar\\w*',
      'arregl\\w*', 'corrig\\w*', 'cambi\\w*', 'modific\\w*', 'renombr\\w*', 'convierte\\w*',
    ),
  },
  {
    // Rewording a given text: translation, tone, register, grammar.
    name: 'intent-reword',
    pattern: words(
      'translat\\w*', 'rephras\\w*', 'reword\\w*', 'rewrit\\w*', 'proof-?read\\w*', 'copy-?edit\\w*', 'paraphras\\w*',
      'umschreib\\w*', 'in einfach\\w* (?:deutsch|sprache|worte\\w*)', 'en (?:langage|mots|termes) simples?', 'en (?:lenguaje|palabras|terminos) sencill\\w*', 'in plain (?:english|language|words)',
      'mett\\w* (?:\\w+ ){0,3}au propre', 'restructur\\w*', 'reestructur\\w*', 'umstrukturier\\w*', 'restructur\\w*',
      'pas(?:a|as|ame|amelo|alo|arlo|ar) (?:\\w+ ){0,6}(?:a|al) (?:ingles|aleman|frances|espanol|italiano|portugues)', 'turn (?:it|this|that|them|these|those) into (?:a |an )?(?:\\w+ )?(?:checklist|table|list|document|doc|bullets|bullet points)',
      'ubersetz\\w*', 'umformulier\\w*', 'formulier\\w* [^.?!]{0,40} um', 'korrekturles\\w*',
      'tradui\\w*', 'traduction', 'reformul\\w*', 'reecri\\w*', 'relis (?:et corrige|mon texte)',
      'traduc\\w*', 'traduzca', 'reformula\\w*', 'reescrib\\w*', 'redacta\\w* de nuevo',
      'sounds? (?:less|more)', '(?:put|render) [^.?!]{0,60} (?:into|in) (?:plain )?(?:english|italian|german|french|spanish|polish|portuguese|dutch)', 'shorten\\w*', 'raccourci\\w*', 'acorta\\w*', '(?:less|more) (?:stiff|boring|blunt|defensive|formal|polite|professional|confident\\w*|firm|friendly|chatty|casual|clunky)', 'tone down', 'tidy up (?:this|my|the) (?:paragraph|text|letter|email)',
      'grammar', 'spelling', 'punctuation', 'typos?',
      'klingt', 'ins (?:englische|deutsche|franzosische|spanische|italienische|polnische|portugiesische)', 'klingen', 'lockerer', 'formeller', 'hoflicher', 'selbstbewusster', 'freundlicher', 'rechtschreibung', 'grammatik', 'zeichensetzung', 'korrektur',
      'moins (?:coince\\w*|sec|seche|formel\\w*|agressi\\w*|familier\\w*|sur la defensive)', 'plus (?:formel\\w*|poli\\w*|professionnel\\w*|chaleureu\\w*)', 'paraisse', 'orthographe', 'en (?:anglais|allemand|espagnol|italien|portugais|polonais)', 'ponctuation', '(?:me |nous )?relire (?:et corriger|mon|ma|mes|ce|cette|ces|le|la|les)\\b',
      'suene', 'suena', 'menos (?:seca|seco|formal|borde|a la defensiva)', 'mas (?:formal|profesional|cercan[oa]|educad[oa])', 'ortografia', 'al (?:ingles|aleman|frances|italiano|rumano|portugues|polaco)', 'puntuacion',
    ),
  },
  {
    name: 'code-artefact',
    pattern: words(
      'bibtex', 'latex', 'jupyter', 'notebook cell', 'cell that', 'one-?liners?', 'shell', '#ref!?', 'parquet', 'plots?',
      'scripts?', 'skripte?', 'functions?', 'funktion\\w*', 'fonctions?', 'funcion\\w*', 'regexp?', 'regex\\w*', 'regul\\w* expression\\w*',
      'json', 'yaml', 'csv', 'sql', 'heic', 'jpe?g', 'png', 'pdfs', 'mp4', 'mov', 'files', 'folders?', 'directory', 'dateien', 'ordner', 'fichiers', 'dossier', 'carpeta', 'archivos', 'code', 'codigo', 'quellcode', 'imports?', 'variables?', 'components?', 'loops?', 'index', 'fetch call', 'columns?', 'rows', 'spreadsheet', 'sheet', 'hoja de calculo', 'feuille de calcul', 'tableur', 'alias', 'buttons?', 'boton', 'knopf', 'bouton', 'form', '\\w*formular\\w*', 'formulaire', 'rust', 'golang', 'java', 'kotlin', 'swift', 'ruby', 'php', 'jq', 'powershell', 'jquery', 'react', 'html', 'css', 'fastapi', 'flask', 'django', 'express', 'checkout', 'login', 'signup', 'query', 'endpoint\\w*', 'api', 'bug\\w*', 'tests?', 'unit ?tests?', 'config\\w*', 'konfiguration', 'configuracion',
      'python', 'bash', 'javascript', 'typescript', 'node', 'docker\\w*', 'nginx', 'cron\\w*', 'github', 'git', 'pipeline', 'deploy\\w*', 'build',
      'schema', 'spreadsheet formula', 'formel', 'formule', 'formula', 'macro', 'automation', 'automatisierung', 'automatisation', 'automatizacion',
      '[\\w-]+\\.(?:py|ts|tsx|js|sh|ya?ml|json|toml|sql|rs|go|rb|java|php)',
    ),
  },
  // --- intent: reasoning ---
  {
    name: 'intent-judge',
    pattern: words(
      'stop taking', 'absetzen', 'arreter de prendre', 'dejar de tomar',
      'do (?:i|we) need to do anything', 'is (?:it|this|that) (?:fine|a big deal|a problem)', '(?:that|is that) (?:cool|ok|okay|fine)\\b', 'a big deal', 'bad idea', 'dumb', 'is it wise', 'on track', 'how worried', 'do i have a case', 'is (?:he|she|they) allowed', 'what would you do',
      'is ok to', 'is good for me', 'good idea', 'gute idee', 'bonne idee', '(?:options|optionen|opciones|recours)\\s*\\?', 'breaking (?:any )?(?:rules|the law)', 'illegal', 'ilegal', 'infraction', 'was falsch', 'do we need (?:a|an)', 'brauchen wir (?:einen|eine|ein)', 'il faut un', 'hace falta un', 'help me (?:decide|pick|choose)', 'who (?:do|should) i (?:believe|trust)', 'how (?:do|should) i (?:handle|deal with|approach)', 'hilf mir (?:zu )?(?:entscheiden|wahlen)', 'wem (?:glaub|trau)\\w*', 'wie geh\\w* ich damit um', 'aide-moi a (?:choisir|decider)', 'je crois qui', 'comment je gere', 'ayudame a (?:elegir|decidir)', 'a quien creo', 'como lo manejo', 'already took', 'schon genommen', 'deja pris', 'ya (?:me )?he tomado', 'am i (?:crazy|mad|nuts|stupid)', 'bin ich verruckt', 'je suis fou', 'estoy loc[oa]', 'what can i (?:actually |even )?do', 'was kann ich (?:da |denn )?(?:machen|tun)', "qu'est-ce que je peux faire", 'que puedo hacer', 'how bad', 'wie schlimm', 'que tan grave', 'still ok', 'je peux encore', 'noch machen', 'se lo puedo', 'puedo todavia', '(?:ok|okay|safe|fine|sicher|sur|seguro)\\s*\\?', 'what does (?:that|this|it) mean for (?:me|my|her|him|us|our|them)', 'was bedeutet das fur', 'was heisst das fur', 'que significa (?:eso|esto) para', 'ca veut dire quoi pour', 'is (?:this|that|it) normal', 'should (?:i|we) be worried', 'am i being (?:stupid|ripped off|silly)', 'ist das normal', 'muss ich mir sorgen', "c'est normal", 'je dois m\'inquieter', 'es normal', 'me preocupo', 'what (?:do|should|can) (?:i|we) do', 'can (?:i|we) (?:still|keep|safely)', 'do (?:i|we) have to', 'what must i do', 'was (?:soll|kann|muss) (?:ich|man) (?:jetzt )?tun', 'was tun', 'kann ich (?:noch|weiter|bis dahin)', 'muss ich', 'on fait quoi', 'je fais quoi', 'je peux (?:encore )?(?:rouler|conduire|continuer)', 'que hago', 'que hacemos', 'puedo seguir', 'tengo que', 'makes? more sense', 'better deal', 'le plus interessant', 'plus avantageux', 'vaut mieux', 'a cuenta', 'compensa', 'lohnt sich', 'how bad could', 'jusqu\'ou', 'hasta donde', 'watch out for', 'ist (?:es|das) (?:ok|okay|in ordnung|sinnvoll|klug)', 'worauf (?:muss|sollte|soll) (?:man|ich|er|sie)', 'achten', "c'est (?:ok|bien) de", 'surveiller', 'esta bien (?:meter|poner|invertir|tomar)', 'vigilar', 'should i (?:just )?sign', 'wait for', 'who pays', 'allowed to', 'paid (?:in )?cash', 'hid (?:the )?\\w+', 'backdated', 'identity (?:theft|was used)', 'move abroad', 'abroad with', 'evict\\w*', 'custody', 'divorce', 'inheritance', 'copyright', 'gdpr', 'warranty', 'consumer rights', 'refund rights', 'dismiss\\w*', 'fired me', 'do i have a case', 'wer zahlt', 'bar bezahlt', 'schwarz\\w*', 'verschwieg\\w*', 'ruckdatiert', 'raumungsklage', 'sorgerecht', 'scheidung', 'erbe', 'erbschaft', 'urheberrecht', 'dsgvo', 'gewahrleistung', 'garantie', 'entlassen', 'darf (?:der|die|er|sie|mein \\w+) das', 'il a le droit', 'qui paie', 'en liquide', 'au noir', 'cache (?:un|le|la)', 'antidate\\w*', 'expulsion', 'garde des enfants', 'divorce', 'heritage', 'droit d\'auteur', 'rgpd', 'licencie\\w*', 'quien paga', 'en negro', 'oculto', 'fecha atrasada', 'desahucio', 'custodia', 'divorcio', 'herencia', 'derechos de autor', 'rgpd', 'garantia', 'puede hacer eso',
      'which (?:\\+|and|&) why', 'welche\\w* (?:\\+|und) warum', 'lequel (?:\\+|et) pourquoi', 'cual (?:\\+|y) por ?que', 'huele (?:raro|mal)', 'smells? (?:fishy|off|funny)', 'sent (?:mauvais|louche)', 'klingt (?:unserios|faul)', 'too good to be true',
      'make the case', 'your (?:honest )?take', 'find (?:more )?(?:convincing|stronger|persuasive)', 'stronger argument', 'negotiating position', 'most likely (?:cause|behind|reason)', 'convince me', 'what could go wrong',
      'schlimm', 'passt das', 'dumm', 'schlau', 'reicht (?:meine|mein|das)', 'wie besorgt', 'was wurdest du', 'ist (?:es )?okay wenn', 'annehmen oder', 'sollen wir',
      'c\'est (?:bien|malin|risque)', 'tu ferais quoi', 'faut-il s\'inquieter', 'tient la route', 'je signe', 'on va aux urgences', 'c\'est grave',
      'pasa algo', 'hay que preocuparse', 'debemos preocuparnos', 'que harias', 'esta bien si', 'firmo', 'me llega', 'buena idea', 'vamos a urgencias', 'es grave',
      'should (?:i|we)', 'worth it', 'wiser', 'smarter', 'better (?:move|option|idea|choice|deal)', 'is it worth', 'weigh(?:s|ed|ing)?', 'trade-?offs?', 'pros and cons', 'recommend\\w*', 'advise\\w*', 'what would you do', 'good deal', 'ripped off', 'a mistake',
      'is (?:it|this|that) (?:safe|ok|okay|dangerous|legal|bad|serious)', 'can i (?:take|mix|combine)', 'do i need a (?:lawyer|doctor|solicitor)', 'what are my (?:options|rights)',
      'ist (?:es|das) (?:gefahrlich|sicher|schlimm|legal|erlaubt)', 'muss ich mir sorgen', 'darf (?:der|die|das|ich|man)',
      'est-ce (?:que )?(?:c\'est )?(?:sur|grave|dangereux|legal)', 'c\'est (?:grave|dangereux|sur)', 'ai-je le droit',
      'es (?:seguro|peligroso|grave|legal)', 'puedo (?:tomar|mezclar)', 'tengo derecho',
      'soll(?:en|te|ten)? (?:ich|wir)', 'lohnt', 'lohnen', 'abwag\\w*', 'wag\\w* (?:\\w+ )?ab', 'vor- und nachteile', 'was spricht dafur', 'empfiehl\\w*', 'empfehl\\w*', 'bewert(?:e|en|et|est)', 'was meinst du', 'beurteil\\w*',
      'dois-je', 'devrais', 'devrait', 'faut-il', 'faut il', 'vaut-il', 'vaut le coup', 'conseill\\w*', 'recommand\\w*', 'evalue\\w*', 'qu\'en penses', 'avantages et inconvenients', 'le pour et le contre', 'pour et contre',
      'deberia\\w*', 'me conviene', 'conviene', 'vale la pena', 'recomiend\\w*', 'aconseja\\w*', 'evalua\\w*', 'valora\\w*', 'pros y contras', 'que opinas',
    ),
  },
  {
    name: 'intent-prove',
    pattern: words('show (?:our|the|my|this|that) [^.?!]{0,40}(?:always|never) (?:terminat\\w*|halts?|finish\\w*|overlap\\w*)', 'demontr\\w*', '(?:actual |real |solid )?argument that', 'no two [^.?!]{0,40}(?:can|could|will|ever)', 'is (?:this|the|my|our) [\\w -]{0,40}(?:algorithm|scheduler|function|lock|protocol) correct', 'correctness', 'prov(?:e|es|ed|en|ing)', 'confirm (?:that )?[^.?!]{0,60}(?:can\'t|cannot|never|always)', 'can (?:it |this |that |they |we )?ever', 'ever (?:pay|charge|book|send|bill)s? (?:\\w+ )?(?:out )?twice', 'proof(?!-?read)', 'show that (?:the |a |an |it |this |our |my )?[^.?!]{0,60}(?:cannot|can\'t|never|always|terminat\\w*)', 'zeig\\w* dass', 'montre(?:r|z)? que', '(?:demuestra|muestra) que', 'guarantee that', 'never (?:double|deadlock|lose|loses)', 'beweis\\w*', 'prouv\\w*', 'preuve', 'demuestr\\w*', 'demostra\\w*'),
  },
  {
    name: 'intent-risk-review',
    pattern: words(
      'penalizacion\\w*', 'penalites?', 'penalit(?:y|ies) (?:clause|fees?)', 'vertragsstrafe\\w*', 'small print', 'fine print', 'letra pequena', 'petites lignes', 'kleingedruckte\\w*', 'echale un (?:ojo|vistazo)', 'jette\\w* un (?:oeil|coup d\'oeil)', 'jeter un (?:oeil|coup d\'oeil)',
      'bottlenecks?', 'single points? of failure', 'where it will (?:hurt|choke|break|fail)', 'expose\\w* me', 'schaden', 'schaden konnten', 'nuire', 'perjudicar',
      'risk(?!s? of (?:rain|showers|snow|frost|storms?))\\w*', 'danger\\w*', 'could hurt', 'hurt me', 'against me', 'worry', 'worried', 'red flags?', 'pitfalls?', 'downsides?',
      'risiko\\w*', 'riskant\\w*', 'gefahr', 'gefahrlich\\w*', 'nachteil\\w*', 'sorgen', 'bedenklich',
      'risque\\w*', 'dangereu\\w*', 'grave', 'inquiet\\w*', 'defavorable\\w*',
      'riesgo\\w*', 'arriesgad\\w*', 'peligros\\w*', 'perjudic\\w*', 'preocup\\w*',
    ),
  },
  // --- stakes ---
  {
    name: 'stakes-money',
    pattern: words(
      'deduct\\w*', 'tax[- ]deductible', 'abzugsfahig', 'absetzbar', 'deductible', 'deducible', 'desgrava\\w*', 'structured products?', 'producto estructurado', 'produit structure', 'strukturierte\\w* produkt\\w*',
      'interest rates?', 'erspart\\w*', 'economies', 'equity', 'betriebsrente', 'plan de pensiones', 'roth', 'ira', '401\\(?k\\)?', 'isa', 'sipp', 'vat', 'mwst', 'umsatzsteuer', 'tva', 'iva', '\\d+k', '\\d[\\d.,]* ?(?:€|eur|euros?|dollars?|pounds?|quid|chf)', 'emergency fund', 'index funds?', 'etfs?', 'msci', 's&p', 'stock options', 'notgroschen', 'epargne de precaution', 'fondo de emergencia', 'indexado', 'financ(?:e|es|ed|ing)', 'finanzier\\w*', 'financer', 'financiar', 'fixed or variable', 'refinanc\\w*', 'buyout', 'rsus?', 'net worth', 'student loan', 'portfolio', 'invest(?:s|ed|ing|ments?|ors?)?', 'mortgage', 'loan', 'debt', 'pension', 'savings', 'stocks?', 'shares', 'crypto', 'tax(?:es|ed|ing|ation|able|man)?', 'insurance', 'lease', 'salary', 'redundancy', 'remortgage',
      'zinsen', 'feste oder variable', 'depot', 'aktien?', 'hypothek\\w*', '\\w*kredit\\w*', '(?:alters|erwerbsminderungs|witwen)?rente', 'darlehen', 'investier\\w*', 'baufinanzierung', 'anschlussfinanzierung', 'abfindung', 'tilg\\w*', 'ersparnis\\w*', 'steuer\\w*', '\\w*versicherung\\w*', 'umschuld\\w*', 'gehalt', 'abfindung',
      'fixe ou variable', 'renegocier', 'rembourser', 'rachat', 'portefeuille', 'prets?', 'hypotheque\\w*', 'hypothecaire\\w*', 'fiscal\\w*', 'epargne', 'bourse', 'credit', 'retraite', 'epargne', 'impot\\w*', 'assurance\\w*', 'placer', 'placement\\w*', 'salaire',
      'fijo o variable', 'participaciones', 'cartera', 'acciones de (?!la reunion)\\w+', 'mis acciones', 'una (?:sola )?accion', 'ahorrado', 'hacienda', 'fiscal\\w*', 'indemnizacion', 'hipoteca', 'prestamo', 'deuda', 'jubilacion', 'ahorros?', 'impuesto\\w*', 'seguro de \\w+', 'invertir', 'inversion\\w*', 'amortizar', 'aval', 'sueldo', 'cripto',
    ),
  },
  {
    name: 'stakes-health',
    pattern: words(
      'bauchweh', 'bauchschmerz\\w*', 'kinderarzt\\w*', 'hausarzt\\w*', 'zum arzt', 'mal au ventre', 'dolor de (?:barriga|tripa|estomago)', 'stomach ?ache', 'tummy ache',
      'medication\\w*', 'medicine', 'meds', 'rash', 'bleeding', 'vomit\\w*', 'headache', 'migraine', 'swollen', 'swelling', 'lump', 'breathing', 'allerg\\w*', 'insulin', 'blood sugar', 'vaccin\\w*', 'side effects', 'overdose', 'surgery', 'painkillers?', 'antidepressants?', '\\w+(?:statin|statine|estatina|pril|sartan|olol|azepam|oxacin|cillin|formin|formine|formina|prazol|prazole|dipin|dipine)', 'statins?', 'estatinas?', 'kidney\\w*', 'nierenwert\\w*', 'fonction renale', 'rinon', 'renal', 'ibuprof\\w*', 'fever', 'fieber', 'fievre', 'fiebre', 'chest pain', 'heart rate', 'dizzy', 'antibiotic\\w*', 'antibiotika', 'antibiotiques?', 'antibioticos?', 'inr', 'potassium', 'kalium\\w*', 'notaufnahme', 'urgences', 'urgencias', 'a&e', 'gp', 'blood thinners?', 'blutverdunn\\w*', 'anticoagul\\w*', 'pills?', 'tablets?', 'dose', 'dosage', 'doctor', 'symptoms?', 'lab (?:values|results)', 'blood', 'warfarin', 'ibuprofen', 'paracetamol', 'mole', 'diagnos\\w*', 'pregnan\\w*',
      '\\w*medikament\\w*', 'ausschlag', 'knubbel', 'blutung\\w*', 'erbrech\\w*', 'kopfschmerz\\w*', 'geschwollen', 'knoten', 'atemnot', 'allergi\\w*', 'blutzucker', 'impf\\w*', 'schmerzmittel', '\\w*tabletten?', 'vorerkrank\\w*', 'arzt', 'arztin', 'blutwerte?', 'symptom\\w*', 'schwanger\\w*', 'dosis', 'nebenwirkung\\w*', 'geschluckt',
      'medicament\\w*', 'plaques', 'boule', 'saigne\\w*', 'vomi\\w*', 'mal de tete', 'gonfle\\w*', 'respir\\w*', 'allergi\\w*', 'glycemie', 'vaccin\\w*', 'douleur\\w*', 'comprimes?', 'medecin', '(?:ses|mes|les|vos|tes) analyses', 'analyses? (?:de sang|sanguines?|medicales?)', 'prise de sang', 'bilan sanguin', 'creatinine', 'anticoagulant\\w*', 'prescrit', 'ordonnance', 'enceinte', 'effets secondaires',
      'medicamento\\w*', 'sarpullido', 'sangra\\w*', 'vomit\\w*', 'dolor de cabeza', 'hinchad\\w*', 'bulto', 'respirar', 'alergi\\w*', 'glucosa', 'vacuna\\w*', 'dolor\\w*', 'pastillas?', 'medico', '(?:los|sus|mis|adjunto) analisis', 'analisis de sangre', 'analitica\\w*', 'sangre', 'trigliceridos', 'anticonceptivos', 'recetad\\w*', 'embarazad\\w*', 'tratamiento', 'efectos secundarios', 'sintrom',
    ),
  },
  {
    name: 'stakes-law',
    pattern: words(
      'contracts?', 'contractual\\w*', 'clauses?', 'nda', 'lawyer', 'legal\\w*', 'sue', 'court', 'landlord', 'tenancy', 'liability', 'sign(?! (?:up|in|out|me up))', 'deposit', 'who pays', 'allowed to', 'do i have a case', 'indemnity', 'visa', 'residence permit', 'fined?', 'penalty', 'claim', 'insurer', 'non-compete', 'redundancy', 'dispute',
      '\\w*vertrag\\w*', 'klausel\\w*', 'wer zahlt', 'darf (?:der|die|er|sie|mein \\w+) das', 'wettbewerbsverbot', 'aufenthalt\\w*', 'bussgeld', 'widersprech\\w*', 'widerspruch', 'anwalt', 'rechtlich\\w*', 'gericht', 'vermieter', 'mietvertrag', 'kundigung\\w*', 'unterschreib\\w*', 'haftung', 'kaution',
      'contrat\\w*', 'avocat', 'qui paie', 'il a le droit', 'compromis de vente', 'devis', 'titre de sejour', 'amende', 'conteste\\w*', 'sinistre', 'juridique', 'tribunal', 'proprietaire', 'bail', 'signer', 'signe', 'rupture conventionnelle', 'caution',
      'contrato\\w*', 'clausulas?', 'quien paga', 'puede hacer eso', 'despido', 'permiso de residencia', 'multa', 'reclam\\w*', 'el seguro', 'siniestro', 'presupuesto del \\w+', 'abogado', 'juridico', 'demanda\\w*', 'casero', 'arrendador', 'alquiler', 'firmar', 'fianza',
    ),
  },
  {
    name: 'stakes-safety',
    pattern: words(
      'safe', 'safety', 'unsafe', 'load-bearing', 'structural engineer', 'knock (?:down|through)', 'concussion', 'storm warning', 'left out', 'food poisoning', 'drop(?:ping)? out', 'gas smell', 'smell gas', 'mou?ld', 'asbestos', 'sockets?', 'ladder', 'car seat', 'bleach', 'tyres?', 'brakes?', 'grinding', 'breakers?', 'fuse ?box', 'electrician', 'toxic', 'chocolate', 'carbon monoxide', 'smoke alarm', 'rm -rf', 'drop table', 'force push', 'poison\\w*', 'gas', 'overnight', 'swallow\\w*', 'electrical', 'electrocut\\w*', 'wiring', 'drive with', 'fire', 'as root', 'en root', 'como root', 'als root', 'dishwasher tabs?', 'ate (?:one|some|a)', 'space heater',
      'sicherheit', 'gefahrlich', 'statiker', 'tragend\\w*', 'gehirnerschutterung', 'wand (?:\\w+ ){0,5}raus\\w*', 'unwetterwarnung', 'ins ausland', 'gasgeruch', 'schimmel', 'asbest', 'steckdose\\w*', 'kindersitz', 'reifen', 'bremsen', 'sicherung', 'elektriker', 'giftig', 'gefressen', 'schokolade', 'kohlenmonoxid', 'heizlufter', 'uber nacht', 'vergift\\w*', 'strom', 'feuer',
      'c\'est sur', 'surete', 'securite', 'dangereux', 'mur porteur', 'abattre (?:le|un) mur', 'commotion', 'alerte orage', 'toute la nuit', "a l'etranger", 'odeur de gaz', 'moisissure\\w*', 'amiante', 'echelle', 'siege auto', 'pneus?', 'freins', 'disjoncteur', 'electricien', 'toxique', 'a mange', 'chocolat', 'monoxyde', 'javel', 'gaz', 'avale\\w*', 'incendie',
      'seguridad', 'peligroso', 'muro de carga', 'tirar (?:el|un) tabique', 'conmocion', 'aviso de tormenta', 'al extranjero', 'olor a gas', 'moho', 'amianto', 'enchufes?', 'escalera', 'silla del coche', 'neumaticos?', 'frenos', 'diferencial', 'electricista', 'toxico', 'se ha comido', 'monoxido', 'estufa', 'toda la noche', 'lejia', 'conducir', 'tragad\\w*', 'incendio',
    ),
  },
  {
    name: 'stakes-irreversible',
    pattern: words(
      'irreversible', "can't undo", 'cannot undo', 'no going back', 'permanent\\w*', 'for good', 'production database', 'prod(?:uction)? (?:database|db|box|server)', '(?:to|on|in|into|auf|en|in die) prod(?:uction|uktion)?', 'en produccion', 'against production', 'big commitment', 'commitment', 'lose data', 'data loss', 'wipe\\w*', 'factory reset', 'format (?:the )?(?:disk|drive)', 'platt ?mach\\w*', 'formater', 'formatear', 'delet(?:es|ing) (?:stuff|files|everything|data)', 'supprime\\w* (?:des|les) fichiers', 'borra\\w* (?:los )?archivos', 'losch\\w* (?:die )?dateien',
      'irreversibel', 'nicht ruckgangig', 'endgultig', 'kein zuruck', 'geht nicht ruckgangig', 'ist dann weg', 'produktionsdatenbank',
      'definitif', 'definitive(?:ment)?', 'pas revenir en arriere', 'pas de retour en arriere', 'sans retour',
      'no hay vuelta atras', 'sin vuelta atras', 'irreversible', 'definitiv[oa]s?',
      'quit my job', 'kundigen', 'verkaufen', 'sell the (?:house|flat|appartment)', 'vendre', 'vender',
    ),
  },
  {
    // A review of code or a system for security: a judgement even when nothing is to be changed.
    name: 'intent-security-review',
    pattern: words(
      '(?:api ?keys?|tokens?|secrets?|passwor(?:d|t)s?)(?: \\w+){0,3} (?:frontend|bundle|client-side|browser|public|publico|offentlich\\w*)',
      'security-?wise', 'secure against', 'safe against', 'sicher gegen', 'securise\\w* contre', 'segur[oa] contra',
      'niveau (?:secu|securite)\\w*', 'cote (?:secu|securite)', '(?:es|son) segur[ao]s?\\s*\\?', 'is (?:it|this|that) secure', 'secure enough', 'ist (?:das|es) sicher genug', 'assez (?:sur|securise)', 'suficientemente segur[ao]', 'md5', 'sha-?1', 'password hash\\w*', 'hash de contrasenas', 'hachage des mots de passe', 'passwort-?hash\\w*',
      'credentials', '(?:aws |api |secret )?keys? (?:in|to|on|into) (?:a )?(?:public|github|git)', 'public repo', 'leak(?:ed|s)? (?:the |our )?(?:keys?|credentials|passwords?|tokens?|secrets?)', 'offentliche\\w* repo', 'repo public', 'repo publico', 'security (?:review|holes?|issues?|vulnerabilit\\w*|flaws?|audit|problems?|risks?)', 'vulnerab\\w*', 'sql injection', 'xss', 'csrf', 'weak spots', 'store (?:the )?passwords',
      'sicherheitsluck\\w*', 'sicherheitsproblem\\w*', 'sicherheitsrisik\\w*', 'tokens? speicher\\w*',
      'failles?', 'problemes? de securite', 'revue de securite', 'audit de securite', 'vulnerabilit\\w*',
      'agujeros?', 'fallos? de seguridad', 'problemas? de seguridad', 'revision de seguridad', 'auditoria de seguridad', 'vulnerabilidad\\w*',
    ),
  },
  {
    // Asking what could go wrong before a step that is hard to take back.
    name: 'intent-check-before',
    pattern: words(
      'sanity[- ]check', 'double[- ]check', 'before (?:i|we) (?:\\w+ ){0,2}(?:run|apply|sign|delete|send|merge|drop|wipe|launch|go live|deploy|install|push|execute)', 'anything (?:i|we) (?:missed|overlooked|should)', 'anything that could',
      'what (?:should|do) (?:i|we) (?:check|verify)', '(?:check|verify) first', 'vorher (?:was |etwas )?pruf\\w*', 'je verifie quoi', 'quoi verifier', 'verifier avant', 'que compruebo', 'que reviso', 'comprobar antes', 'one-sided', 'bite me', 'a trap',
      'ubersehen wir', 'was sollten wir (?:vorher )?prufen', 'bevor (?:ich|wir)', 'auf die fusse', 'haken', 'fallstrick\\w*',
      'on oublie quelque chose', 'on verifie quoi', 'avant que (?:je|on|j\'\\w+)', 'un piege', 'piege',
      'se nos escapa algo', 'que revisamos', 'antes de (?:ejecutar|aplicar|lanzar|firmar|borrar|instalar)\\w*', 'alguna trampa', 'trampa',
    ),
  },
  {
    // Weighing words: the answer depends on circumstances to be weighed, so it is not a plain fact.
    name: 'weighing',
    pattern: words(
      'considering', 'taking into account', 'think (?:about|through) how', 'how should (?:i|we|my|our)', 'factoring', 'given (?:that|my|our|the|i)', 'in the long run', 'long run', 'long[- ]term', 'overall', 'over \\d+ years',
      'langfristig', 'unter berucksichtigung', 'auf lange sicht',
      'a long terme', 'en tenant compte', 'sur \\d+ ans',
      'a largo plazo', 'teniendo en cuenta', 'a la larga',
    ),
  },
  {
    // A definition or a difference asked for, often "again": an explanation, not a judgement.
    name: 'definition',
    pattern: words(
      'difference between', 'unterschied zwischen', 'der unterschied', 'difference entre', 'diferencia entre', 'i (?:always|keep) forget\\w*', 'remind me (?:what|how|the difference)', 'vergesse ich (?:immer|standig)', "j'oublie (?:toujours|tout le temps)", 'siempre se me olvida', 'siempre lo olvido', 'what does \\w+ (?:stand for|mean)', 'what means \\w+', 'what (?:is|are) the meaning of', 'was bedeutet \\w+', 'que veut dire \\w+', 'que significa \\w+',
    ),
  },
  {
    // Work whose product is an analysis or a judgement, however it is phrased ("build the case").
    name: 'analysis-artefact',
    pattern: words(
      'analys\\w*', 'analis\\w*', 'case for', 'comparison', 'decision matrix', 'assessment', 'think (?:through|about)', 'likely causes?', 'curated', 'reading list', 'evaluation', 'vergleich\\w*', 'einschatzung', 'comparaison', 'comparatif', 'comparativa', 'evaluacion', 'bilan', 'why\\b', '(?:briefing|brief|report) on',
    ),
  },
  {
    // An entry for the person's calendar or diary, recurring or not: not an automation to build.
    name: 'calendar-entry',
    pattern: words(
      'add (?:\\w+ ){0,6}to (?:my |the |our )?(?:\\w+ )?(?:calendar|diary|agenda|planner)', '(?:recurring|repeating) (?:event|appointment|entry|reminder)', 'put (?:\\w+ ){0,6}in (?:my |the |our )?(?:\\w+ )?(?:calendar|diary)',
      '(?:in|im) (?:den |meinen |unseren )?(?:\\w+)?kalender', 'trag\\w* [^.?!]{0,50} ein', 'serientermin\\w*',
      "(?:dans|a) (?:mon|l'|notre) ?(?:agenda|calendrier)", 'evenement recurrent', 'rendez-vous recurrent',
      'en (?:mi|el|nuestro) (?:agenda|calendario)', 'evento (?:recurrente|periodico)', 'apunta\\w* [^.?!]{0,40} en',
    ),
  },
  {
    // A short phrase quoted to be translated: a look-up, unlike a document to translate.
    name: 'quoted-phrase',
    pattern: /["\u201c\u201e'][^"\u201c\u201d\u201e']{1,60}["\u201d\u201c'] ?(?:into|in|en|auf|ins|al|to)\b/u,
  },
  {
    // Preparing for what is already on the calendar: part of looking at the day, not a judgement.
    name: 'day-prep',
    pattern: words(
      "what'?s on (?:my|the|our) (?:plate|agenda|schedule|calendar)", '(?:should|do|must|need to) (?:i|we) (?:prep|prepare|bring|print|read up on) (?:anything|something)', '(?:muss|soll|sollte) ich (?:was|etwas|noch was) (?:vorbereiten|mitbringen)',
      '(?:dois-je|je dois|faut-il) (?:preparer|apporter) quelque chose', '(?:tengo|debo|hay) que (?:preparar|llevar) algo',
    ),
  },
  {
    // A brief that weighs sources against each other: a judgement, not a summary.
    name: 'weigh-sources',
    pattern: words(
      '(?:weigh|compare) (?:the )?(?:papers|studies|sources|reviews|evidence|findings)', 'against each other', 'where they (?:conflict|disagree|contradict)', '(?:wo|worin) (?:sie sich )?widersprechen', 'widersprechen sie sich', 'gegeneinander abwag\\w*', 'bitte gewichten', 'gewichte\\w* (?:die|sie)', 'ou (?:elles|ils) se contredisent', 'se contredisent', 'les unes (?:contre|par rapport) (?:aux|les) autres', 'en que se contradicen', 'se contradicen', 'unas (?:con|contra) otras',
    ),
  },
  {
    // A choice between two courses offered as a question ("sign or not", "fixed or variable?").
    name: 'either-or',
    pattern: /\b(?:or|oder|ou|o)\s+(?!(?:que|what|so|something|not|nicht|pas|nah|quoi|was)\b)(?:\w+\s+){0,2}\w+\s*\??\s*$|\b(?:now|jetzt|maintenant|ahora)\b[^.?!]{0,40}\b(?:or|oder|ou|o)\b|\b(?:or|oder|ou|o)\s+(?:j'attends|i wait|ich warte|espero|not|no|nicht|pas|non|wait|warten|noch warten|attendre|esperar|hold|lieber|mejor)\b|\b(?:or|oder|ou|o|vs\.?|versus)\b[^.?!]{1,60}\?/u,
  },
  {
    // Two courses joined by "or" with the person's own action in them ("fix it myself or call someone").
    name: 'own-choice',
    pattern: /\b(?:or|oder|ou|o)\b[^.?!]{0,40}\b(?:myself|me|i|we|us|selbst|selber|ich|wir|moi|je|j'\w+|on|yo|lo|la|nosotros)\b|\b(?:myself|selbst|selber|moi-meme|yo)\b[^.?!]{0,40}\b(?:or|oder|ou|o)\b|\b(?:take it|accept|annehmen|accepter|j'accepte|aceptar|lo acepto)\b[^.?!]{0,20}\b(?:or|oder|ou|o)\b/u,
  },
  {
    // Asked as a question or a plea for a way forward.
    name: 'question',
    pattern: /\?\s*$|^(?:should|shall|is|are|can|could|would|do|does|am|soll\w*|ist|sind|kann|darf|muss|brauche\w*|dois-je|faut-il|est-ce|puis-je|debo|deberia\w*|es|son|puedo|hace falta)\b|\b(?:what now|what do i do|what should i do|options|was jetzt|was mach ich|optionen|je fais quoi|recours|que hago|opciones|should (?:he|she|they|we|i))\b/u,
  },
  {
    // A short everyday message to someone: orchestration work, unlike rewording a given text.
    name: 'short-message',
    pattern: words(
      'repon(?:ds|dez|dre) a \\w+ (?:que|pour)', 'contesta(?:le)? a \\w+', 'respondele a \\w+', 'responde(?:le)? a \\w+ que', 'schreib (?:dem|der|den) [\\w ]{1,30} kurz', 'antworte (?:dem|der|\\w+) (?:kurz )?(?:dass|mit)', 'reply to \\w+ (?:that|saying|yes|no)', '(?:reply|answer|respond|write back) to \\w+ ?:', '(?:antworte|schreib) \\w+ ?:', 'repon(?:ds|dez) a \\w+ ?:', 'responde(?:le)? a \\w+ ?:', 'tell \\w+ (?:i|we|that i|that we)\\b', 'let \\w+ know (?:that|i|we)',
      'text (?:my )?\\w+ (?:that|saying)', 'thank-?you note', 'thank you note', 'short (?:reply|answer|note|message)', 'two-line (?:reply|note|message)', 'tell \\w+ (?:yes|no|that|thanks)', 'message (?:to|for) (?:my )?\\w+', 'quick (?:text|note|message|msg|reply|thanks)', '(?:slack|teams|whatsapp|signal|telegram|chat) (?:msg|message|note)', 'note for the \\w+', 'write (?:back )?to (?:the )?\\w+ (?:that|saying|confirming)', 'reply to (?:the |my )?\\w+(?:\'s email)? (?:saying|confirming|accepting|declining|that)', 'send (?:my |a )?(?:\\w+ )?(?:a )?(?:message|text|note|thanks|thank-you)',
      'schreib (?:kurz |schnell )?(?:an|dem|der) \\w+', '(?:schreib|sag) \\w+ kurz', 'sag (?:\\w+ )?(?:dass|bescheid|\\w+ (?:passt|ja|nein))', 'schick (?:\\w+ )?(?:ne |eine )?nachricht', 'nachricht an', 'message an', 'kurze (?:antwort|nachricht|notiz|zusage|absage|mail|e-mail|bestatigung|ruckmeldung)', 'short (?:acceptance|confirmation|yes)', 'courte (?:confirmation|reponse)', 'breve (?:confirmacion|respuesta)',
      'ecris (?:vite |un mot )?a \\w+', 'envoie (?:un |une )?(?:petit |petite )?(?:message|texto|sms|mot)', 'un mot pour', 'dis a \\w+', 'reponse courte', 'courte reponse', 'petit mot',
      'escribele', 'mandale', 'una nota para', 'dile a \\w+', 'un mensaje a', 'un mensajito', 'respuesta breve', 'breve respuesta',
    ),
  },
  {
    // A trigger that repeats: an automation to build, not a message to send once.
    name: 'recurring-trigger',
    pattern: words(
      'each time', 'every time', 'whenever', 'every (?:day|morning|evening|night|week|month|hour|monday|tuesday|wednesday|thursday|friday|saturday|sunday)',
      'jedes mal', 'immer wenn', 'jeden (?:tag|morgen|abend|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)',
      'chaque fois', 'a chaque', 'tous les (?:jours|matins|soirs|lundis|mardis)',
      'cada vez', 'siempre que', 'todos los (?:dias|lunes|martes|viernes)',
    ),
  },
  {
    // "When X happens, do Y": a rule for a device or a mailbox to follow, which is built once.
    name: 'automation-trigger',
    pattern: words(
      'when (?:my|the|someone|anyone|a|an) (?:\\w+ ){0,4}(?:goes|leaves|arrives|opens|closes|finishes|drops|rises|detects|starts|stops|is (?:above|below|over|under)|above|below)',
      'every time', 'each time', 'whenever', 'set (?:that|this|it) up', 'jedes mal wenn', 'immer wenn', 'chaque fois que', 'cada vez que', 'siempre que',
      'when(?:ever)? (?:i|we) (?:get|receive)', 'wenn (?:ich )?(?:\\w+ ){0,3}(?:kommt|bekomme|erhalte)', 'quand (?:je|on) (?:recois|recoit)', 'cuando (?:me )?(?:llegue|reciba|recibo)', 'des que', 'sobald',
      'switch(?:es)? itself', 'turn(?:s)? itself', 'auto-?(?:forward|label|file|archive|sort|reply|delete|tag|move)\\w*', 'skip (?:watering|heating)',
      'wenn (?:\\w+ ){1,5}(?:uber|unter|verlasst|offnet|fertig ist)', 'automatisch\\w*',
      'quand (?:\\w+ ){1,5}(?:depasse|quitte|ouvre|termine)', 'automatiquement',
      'cuando (?:\\w+ ){1,5}(?:supera|salga|abra|termine)', 'automaticamente',
    ),
  },
  {
    // A document-sized or structured artefact to produce from what is given.
    name: 'document-artefact',
    pattern: either(
      words(
      '(?:about|roughly|around|max|at most) (?:a|one|two|1|2) pages?', '(?:one|two|1|2) pages?', 'a page long', '\\d+-pages?', 'une page', 'deux pages', 'eine seite', 'zwei seiten', 'una pagina', 'dos paginas', 
      'one-page', 'two-page', '\\d+ pages? long', 'page-long', '\\d{3,} words', 'into a table', 'as a table', 'checklist doc\\w*', 'sections? per \\w+', 'with sections', 'flowing paragraph', 'full sentences', 'into prose', 'printable', 'ics(?: file)?', 'template', 'cover letter', 'personal statement', 'newsletter article',
      'einseitig\\w*', 'zweiseitig\\w*', '\\d{3,} wort\\w*', '(?:als|eine|in eine|zu einer) tabelle', 'pro \\w+ ein abschnitt', 'mit abschnitten', 'ganze satze', 'vorlage', 'motivationsschreiben', 'anschreiben', 'lebenslauf',
      'd\'une page', 'de deux pages', '\\d{3,} mots', '(?:en|un|sous forme de) tableau', 'une section par', 'phrases completes', 'modele', 'lettre de motivation', 'cv',
      'de una pagina', 'de dos paginas', '\\d{3,} palabras', '(?:en|una|como) tabla', 'una seccion por', 'frases completas', 'plantilla', 'carta de presentacion', 'curriculum',
      ),
      // A target format named after an arrow or "in": a conversion, not an everyday flow.
      /(?:->|\u2192|=>)\s*(?:json|csv|yaml|xml|markdown|md|html|tableau|table|tabelle|tabla|excel|xlsx|sql|ics)\b|(?:->|\u2192|=>)[^.?!]{0,80}\b(?:en|in|als|as|como) (?:markdown|json|csv|yaml|html)\b|\b(?:as|als|en|in|como) (?:json|csv|yaml)\b/u,
    ),
  },
  // --- form ---
  {
    // Plain facts and comparisons of facts: no judgement, whatever verb asks for them.
    name: 'trivia',
    pattern: words(
      // A comparison of plain facts, asked as "which is taller": not "what's the bigger risk".
      '(?:which|what|welche\\w*|was|wer|quel\\w*|quelle\\w*|lequel|laquelle|qui|cual\\w*|que|quien)\\b[^.?!]{0,50}\\b(?:' +
        [
          'taller', 'tallest', 'the most', 'the least', 'am meisten', 'am wenigsten', 'le plus', 'le moins', 'quicker', 'quickest', 'slower', 'bigger screen', 'cheaper', 'cheapest', 'lighter', 'lightest', 'shorter', 'shortest', 'earlier', 'earliest', 'closer', 'closest', 'nearer', 'nearest', 'quieter', 'more data', 'least busy', 'fastest', 'higher', 'highest', 'longer', 'longest', 'bigger', 'biggest', 'largest', 'oldest', 'older', 'heavier', 'faster',
          'hoher', 'hochste\\w*', 'billiger', 'gunstiger', 'leichter', 'kurzer', 'fruher', 'naher', 'freiesten', 'langer', 'langste\\w*', 'grosser', 'grosste\\w*', 'alteste\\w*', 'schneller',
          'plus (?:haut|grand|long|peuple|vieux|ancien|rapide|tot|leger|court|calme|proche)e?s?', 'moins cher\\w*',
          'mas (?:alto|alta|largo|larga|grande|poblad[ao]|antigu[ao]|rapid[ao]|habitantes|barat[oa]|liger[oa]|cort[oa]|cerca|libre)', 'antes',
        ].join('|') +
        ')',
      'capital of', 'settle (?:an argument|a bet|a debate)', '(?:hat|haben|ist|sind) (?:\\w+ )?(?:offen|geoffnet)', 'sonntags offen', 'est ouvert\\w*', 'sont ouverts?', 'esta abiert[oa]', 'abre (?:los|el|antes|mas)', 'tell me the (?:cheapest|closest|fastest|shortest|oldest|newest|earliest)', '(?:which|welche\\w*|cual\\w*|quel\\w*|lequel|laquelle)(?: one| of (?:the|them)| von beiden| de (?:los|las) dos| des deux)? (?:is open|opens|has (?:more|an?|the|fewer)|hat (?:eine|mehr|die|weniger)|tiene (?:mas|el|la|menos)|saco|a (?:le|la|plus|une)|goes end-of-life|reaches end-of-life|came out|was released|is (?:older|newer))', 'end-of-life', 'more (?:github )?stars', 'mas estrellas', 'mehr sterne', 'plus d\'etoiles', 'the right word', 'the right term', 'das richtige wort', 'le bon mot', 'la palabra (?:correcta|adecuada)', 'misusing (?:it|the word|the term)', 'boiling point', 'population of', 'hauptstadt', 'einwohner', 'capitale de', 'habitants', 'capital de', 'habitantes',
      'opening hours', 'offnungszeiten', 'horaires', 'horario',
      'opening times', 'hours', '\\d+ ?(?:%|percent|prozent|pour ?cent|por ?ciento) (?:of|von|de)', 'compare the (?:\\w+ )?(?:sizes|weights|heights|lengths|dimensions|specs|screen sizes|ratings|opening hours)', 'ratings', 'bewertungen', 'horarios',
      '(?:risk|chance|probability) of rain', '(?:going to|gonna|will it) rain', 'regnet es', 'va-t-il pleuvoir', 'va a llover', '^(?:plus|mas|more|higher|taller|longer|bigger|hoher|grosser|langer|alter|older) (?:\\w+ )?(?:\\w+,|\\w+ (?:or|ou|o|oder) )', 'regenwahrscheinlichkeit', 'risque de pluie', 'probabilidad de lluvia', 'weather', 'wetter', 'meteo', 'weather forecast',
      'just a definition', 'nur eine definition', 'juste la definition', 'solo la definicion',
    ),
  },
  {
    // Arrows or braces describing an everyday flow, not code.
    name: 'notation',
    pattern: /(?:->|→|=>)\s*\w*\s*[[{(]|^\s*\w+\([^)]{0,40}\)\s*(?:->|→|=>)|[[{][^\]}]{0,80}\|[^\]}]{0,80}[\]}]/u,
  },
  {
    // Any arrow: a request written as a flow, whatever it describes.
    name: 'arrow',
    pattern: /->|=>|→/u,
  },
  {
    // Pseudo-code whose steps are everyday errands: "function morning() { check weather; remind umbrella }".
    name: 'everyday-pseudocode',
    pattern:
      /[{(;][^{}]{0,120}\b(?:check|list|remind|send|email|mail|text|call|buy|pay|book|weather|meetings?|calendar|umbrella|groceries|pruf\w*|erinner\w*|wetter|termine?|verifie|rappel\w*|meteo|revisa|recuerda|tiempo|reunion\w*)\b[^{}]{0,120}[;})]/u,
  },
  {
    // A pasted stack trace or log line: to be read unless a change is asked for.
    name: 'pasted-trace',
    pattern: /\b\w+(?:error|exception)\b|\bat [\w.<>$]+ ?\([\w./-]+:\d+|\bline \d+\b|\b(?:error|warn|fatal|info)\b[:\]]|\blog(?:s|file)?\b/u,
  },
  {
    name: 'large-input-multilingual',
    pattern: words(
      '\\d{2,}[- ]?(?:seiten|pages|paginas|hojas)', '\\d{3,}[- ]?(?:mails|e-mails|emails|correos|nachrichten|messages|mensajes|zeilen|lignes|lineas|dateien|fichiers|archivos)',
      'ganze[nrs]? (?:jahr|archiv|verlauf|postfach|ordner)', 'gesamte[nrs]?', 'l\'integralite', 'tout l\'historique', 'tout le dossier', 'tout(?:es)? les \\d+',
      'todo el historial', 'todos los \\d+', 'todo el archivo', 'historial completo',
    ),
  },
];

/** Indexes of concepts the classifier's rules read. */
export const CONCEPT_INDEX: Readonly<Record<string, number>> = Object.fromEntries(CONCEPTS.map((concept, index) => [concept.name, index]));
