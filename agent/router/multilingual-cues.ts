/**
 * Multilingual cue lexicon: what a task asks for (intent), what is at stake, and its form, in
 * English, German, French and Spanish. Each concept is one feature of the classifier, so a word
 * it never saw in training still counts when it belongs to a known concept, in any of the four
 * languages and in mixtures of them.
 *
 * Patterns read folded text (see `foldText`): lower case, accents stripped, ß as ss, so
 * "ändern", "andern" and "Ändern" are one word and a missing accent is no typo. Stems are
 * written open-ended (`zusammenfass\w*`) so that inflections and most suffix typos still match.
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
      'summar\\w*', 'recap\\w*', 'tl;?dr', 'gist', 'sum up', 'boil down',
      'zusammenfass\\w*', 'fass\\w* [^.?!]{0,60}zusammen', 'kurzfassung', 'uberblick', 'das wichtigste',
      'resum\\w*', 'synthes\\w*', 'en bref', 'les grandes lignes',
      'resumen', 'resumir', 'lo principal', 'en pocas palabras',
      'in (?:one|two|three|a few|\\d) (?:sentences?|lines?|bullet points|points)', 'in (?:einem|zwei|drei|ein paar|\\d) (?:satzen|satz|zeilen|punkten)',
      'en (?:une|deux|trois|quelques|\\d) (?:phrases?|lignes?|points)', 'en (?:una|dos|tres|pocas|\\d) (?:frases?|lineas?|puntos)',
    ),
  },
  {
    name: 'intent-extract',
    pattern: words(
      'extract\\w*', 'pull out', 'pull the', 'grab',
      'extrahier\\w*', 'raussuch\\w*', 'heraussuch\\w*', 'rausziehen', 'herausziehen', 'rausholen', 'such\\w* [^.?!]{0,40}raus',
      'extrai\\w*', 'releve\\w*', 'recupere\\w*',
      'extrae\\w*', 'extraer', 'saca\\w*',
    ),
  },
  {
    name: 'intent-lookup',
    pattern: words(
      'look up', 'lookup', 'find', 'check', 'search', 'when (?:is|does|do|did)', 'what time', 'how long', 'how much did', 'how many',
      'nachschau\\w*', 'schau\\w*', 'such\\w*', 'finde\\w*', 'wann', 'wie lange', 'wie viel\\w*', 'wieviel\\w*', 'welche\\w* termin\\w*', 'gibt es',
      'cherche\\w*', 'trouve\\w*', 'verifie\\w*', 'quand', 'combien', 'combien de temps', 'a quelle heure', 'quel(?:le)?s? (?:est|sont)',
      'busca\\w*', 'encuentra\\w*', 'comprueba\\w*', 'cuando', 'cuanto\\w*', 'cuanto tiempo', 'a que hora', 'que tengo', 'cual es',
    ),
  },
  {
    name: 'intent-explain',
    pattern: words(
      'explain\\w*', 'what does [^.?!]{0,40} mean', 'what went wrong', 'tell me what', 'sag mir was', 'was ist (?:da )?(?:los|schiefgelaufen)', 'dis[- ]moi ce que', 'ce qui (?:s\'est passe|ne va pas)', 'dime (?:que|lo que)', 'que (?:ha )?paso', 'what (?:does|is) this', 'walk me through', 'help me understand',
      'erklar\\w*', 'was bedeutet', 'was macht', 'was heisst',
      'expliqu\\w*', 'que (?:veut dire|signifie)', 'qu\'est-ce que (?:fait|veut)',
      'explica\\w*', 'que significa', 'que hace',
    ),
  },
  {
    name: 'personal-admin',
    pattern: words(
      'calendar', 'diary', 'agenda', 'inbox', 'remind\\w*', 'appointment\\w*', 'meeting\\w*', 'todo', 'to-do',
      'kalender', 'termin\\w*', 'ordner', 'ablegen', 'leg\\w* [^.?!]{0,40} ab', 'erinner\\w*', 'posteingang', 'aufgabenliste', 'einkaufsliste',
      'rendez-vous', 'rappelle\\w*', 'boite (?:mail|de reception)', 'reunion\\w*',
      'calendario', 'cita\\w*', 'recuerda\\w*', 'recordatorio\\w*', 'bandeja de entrada', 'correo\\w*',
    ),
  },
  {
    // Code, logs or a design are to be read, not changed.
    name: 'read-only',
    pattern: words(
      "(?:don't|do not|dont|without|no need to) (?:change|changing|touch|touching|edit|editing|modify|modifying|fix|fixing|rewrite|rewriting)\\w*",
      // A negation just before a change verb: "I'm not changing it", "pas besoin de corriger".
      "(?:not|n't|never|no|nicht|nichts|nix|kein\\w*|pas|rien|sans|ohne|without|sin|ni)\\b[^.?!]{0,25}\\b(?:chang|fix|touch|edit|modif|rewrit|ander|anfass|umbau|korrig|corrig|toqu|toca|arregl|cambi)\\w*",
      '(?:fix|fixen|corrige\\w*|arregl\\w*) (?:it |that |das |le |lo )?(?:myself|selber|selbst|moi-meme|moi meme|yo mism[oa])', 'mach ich selber',
      'as (?:it )?is', 'telle? quelle?', 'tal (?:cual|como esta)', 'so lassen', 'unverandert',
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
      'write', 'writing', 'code', 'implement\\w*', 'build', 'create', 'generate', 'make me a',
      'schreib\\w*', 'programmier\\w*', 'implementier\\w*', 'erstell\\w*', 'generier\\w*', 'bau\\w*',
      'ecri\\w*', 'code\\w*', 'programm\\w*', 'implemente\\w*', 'cree\\w*', 'genere\\w*',
      'escrib\\w*', 'programa\\w*', 'implementa\\w*', 'crea\\w*', 'genera\\w*', 'haz',
    ),
  },
  {
    name: 'intent-change',
    pattern: words(
      'fix\\w*', 'change', 'modify', 'refactor\\w*', 'rename\\w*', 'update the', 'add (?:a|an) (?:column|test|field|flag|option)', 'migrat\\w*', 'convert\\w*',
      'ander\\w*', 'anpass\\w*', 'beheb\\w*', 'reparier\\w*', 'umschreib\\w*', 'schreib\\w* [^.?!]{0,40} um', 'umbenenn\\w*', 'konvertier\\w*',
      'corrig\\w*', 'modifi\\w*', 'chang\\w*', 'renomm\\w*', 'convert\\w*', 'repar\\w*',
      'arregl\\w*', 'corrig\\w*', 'cambi\\w*', 'modific\\w*', 'renombr\\w*', 'convierte\\w*',
    ),
  },
  {
    // Rewording a given text: translation, tone, register, grammar.
    name: 'intent-reword',
    pattern: words(
      'translat\\w*', 'rephras\\w*', 'reword\\w*', 'rewrit\\w*', 'proof-?read\\w*', 'copy-?edit\\w*', 'paraphras\\w*',
      'ubersetz\\w*', 'umformulier\\w*', 'formulier\\w* [^.?!]{0,40} um', 'korrekturles\\w*',
      'tradui\\w*', 'traduction', 'reformul\\w*', 'reecri\\w*', 'relis (?:et corrige|mon texte)',
      'traduc\\w*', 'traduzca', 'reformula\\w*', 'reescrib\\w*', 'redacta\\w* de nuevo',
    ),
  },
  {
    name: 'code-artefact',
    pattern: words(
      'scripts?', 'skripte?', 'functions?', 'funktion\\w*', 'fonctions?', 'funcion\\w*', 'regexp?', 'regex\\w*', 'regul\\w* expression\\w*',
      'json', 'yaml', 'csv', 'sql', 'query', 'endpoint\\w*', 'api', 'bug\\w*', 'tests?', 'unit ?tests?', 'config\\w*', 'konfiguration', 'configuracion',
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
      'should (?:i|we)', 'worth it', 'wiser', 'smarter', 'better (?:move|option|idea|choice|deal)', 'is it worth', 'weigh\\w*', 'trade-?offs?', 'pros and cons', 'recommend\\w*', 'advise\\w*', 'what would you do', 'good deal', 'ripped off', 'a mistake',
      'is (?:it|this|that) (?:safe|ok|okay|dangerous|legal|bad|serious)', 'can i (?:take|mix|combine)', 'do i need a (?:lawyer|doctor|solicitor)', 'what are my (?:options|rights)',
      'ist (?:es|das) (?:gefahrlich|sicher|schlimm|legal|erlaubt)', 'muss ich mir sorgen', 'darf (?:der|die|das|ich|man)',
      'est-ce (?:que )?(?:c\'est )?(?:sur|grave|dangereux|legal)', 'c\'est (?:grave|dangereux|sur)', 'ai-je le droit',
      'es (?:seguro|peligroso|grave|legal)', 'puedo (?:tomar|mezclar)', 'tengo derecho',
      'soll(?:en|te|ten)? (?:ich|wir)', 'lohnt', 'lohnen', 'abwag\\w*', 'vor- und nachteile', 'was spricht dafur', 'empfiehl\\w*', 'empfehl\\w*', 'bewert\\w*', 'was meinst du', 'beurteil\\w*',
      'dois-je', 'devrais', 'devrait', 'faut-il', 'faut il', 'vaut-il', 'vaut le coup', 'conseill\\w*', 'recommand\\w*', 'evalue\\w*', 'qu\'en penses', 'avantages et inconvenients',
      'deberia\\w*', 'me conviene', 'conviene', 'vale la pena', 'recomiend\\w*', 'aconseja\\w*', 'evalua\\w*', 'valora\\w*', 'pros y contras', 'que opinas',
    ),
  },
  {
    name: 'intent-prove',
    pattern: words('prove\\w*', 'proof(?!-?read)', 'show that (?:the |a |an |it |this |our |my )?[^.?!]{0,60}(?:cannot|can\'t|never|always|terminat\\w*)', 'zeig\\w* dass', 'montre(?:r|z)? que', '(?:demuestra|muestra) que', 'guarantee that', 'never (?:double|deadlock|lose|loses)', 'beweis\\w*', 'prouv\\w*', 'preuve', 'demuestr\\w*', 'demostra\\w*'),
  },
  {
    name: 'intent-risk-review',
    pattern: words(
      'risk\\w*', 'danger\\w*', 'could hurt', 'hurt me', 'against me', 'worry', 'worried', 'red flags?', 'pitfalls?', 'downsides?',
      'risiko\\w*', 'riskant\\w*', 'gefahr\\w*', 'nachteil\\w*', 'sorgen', 'bedenklich',
      'risque\\w*', 'dangereu\\w*', 'grave', 'inquiet\\w*', 'defavorable\\w*',
      'riesgo\\w*', 'arriesgad\\w*', 'peligros\\w*', 'perjudic\\w*', 'preocup\\w*',
    ),
  },
  // --- stakes ---
  {
    name: 'stakes-money',
    pattern: words(
      'portfolio', 'invest\\w*', 'mortgage', 'loan', 'debt', 'pension', 'savings', 'stocks?', 'shares', 'crypto', 'tax\\w*', 'insurance', 'lease', 'salary', 'redundancy', 'remortgage',
      'depot', 'aktien?', 'hypothek\\w*', '\\w*kredit\\w*', '\\w*rente', 'darlehen', 'rente', 'ersparnis\\w*', 'steuer\\w*', '\\w*versicherung\\w*', 'umschuld\\w*', 'gehalt', 'abfindung',
      'portefeuille', 'pret\\w*', 'hypothe\\w*', 'credit', 'retraite', 'epargne', 'impot\\w*', 'assurance\\w*', 'placer', 'placement\\w*', 'salaire',
      'cartera', 'acciones', 'hipoteca', 'prestamo', 'deuda', 'jubilacion', 'ahorros?', 'impuesto\\w*', 'seguro de \\w+', 'invertir', 'inversion\\w*', 'amortizar', 'aval', 'sueldo', 'cripto',
    ),
  },
  {
    name: 'stakes-health',
    pattern: words(
      'medication\\w*', 'medicine', 'meds', 'blood thinners?', 'blutverdunn\\w*', 'anticoagul\\w*', 'pills?', 'tablets?', 'dose', 'dosage', 'doctor', 'symptoms?', 'lab (?:values|results)', 'blood', 'warfarin', 'ibuprofen', 'paracetamol', 'mole', 'diagnos\\w*', 'pregnan\\w*',
      '\\w*medikament\\w*', '\\w*tabletten?', 'vorerkrank\\w*', 'arzt', 'arztin', 'blutwerte?', 'symptom\\w*', 'schwanger\\w*', 'dosis', 'nebenwirkung\\w*', 'geschluckt',
      'medicament\\w*', 'comprimes?', 'medecin', 'analyses', 'sang', 'prescrit', 'ordonnance', 'enceinte', 'effets secondaires',
      'medicamento\\w*', 'pastillas?', 'medico', 'analisis', 'sangre', 'recetad\\w*', 'embarazad\\w*', 'tratamiento', 'efectos secundarios', 'sintrom',
    ),
  },
  {
    name: 'stakes-law',
    pattern: words(
      'contract\\w*', 'clauses?', 'nda', 'lawyer', 'legal\\w*', 'sue', 'court', 'landlord', 'tenancy', 'liability', 'sign', 'deposit',
      '\\w*vertrag\\w*', 'klausel\\w*', 'anwalt', 'rechtlich\\w*', 'gericht', 'vermieter', 'mietvertrag', 'kundigung\\w*', 'unterschreib\\w*', 'haftung', 'kaution',
      'contrat\\w*', 'avocat', 'juridique', 'tribunal', 'proprietaire', 'bail', 'signer', 'signe', 'rupture conventionnelle', 'caution',
      'contrato\\w*', 'clausulas?', 'abogado', 'juridico', 'demanda\\w*', 'casero', 'arrendador', 'alquiler', 'firmar', 'fianza',
    ),
  },
  {
    name: 'stakes-safety',
    pattern: words(
      'safe', 'safety', 'unsafe', 'poison\\w*', 'gas', 'overnight', 'swallow\\w*', 'electric\\w*', 'drive with', 'fire',
      'sicher', 'sicherheit', 'gefahrlich', 'vergift\\w*', 'strom', 'feuer',
      'c\'est sur', 'surete', 'securite', 'dangereux', 'javel', 'gaz', 'avale\\w*', 'incendie',
      'seguro', 'seguridad', 'peligroso', 'lejia', 'conducir', 'tragad\\w*', 'incendio',
    ),
  },
  {
    name: 'stakes-irreversible',
    pattern: words(
      'irreversible', "can't undo", 'cannot undo', 'no going back', 'permanent\\w*', 'for good', 'production database', 'big commitment', 'commitment',
      'irreversibel', 'nicht ruckgangig', 'endgultig', 'kein zuruck',
      'definiti\\w*', 'pas revenir en arriere', 'sans retour',
      'no hay vuelta atras', 'sin vuelta atras', 'irreversible', 'definitiv\\w*',
      'quit my job', 'kundigen', 'verkaufen', 'sell the (?:house|flat|appartment)', 'vendre', 'vender',
    ),
  },
  // --- form ---
  {
    // Plain facts and comparisons of facts: no judgement, whatever verb asks for them.
    name: 'trivia',
    pattern: words(
      // A comparison of plain facts, asked as "which is taller": not "what's the bigger risk".
      '(?:which|what|welche\\w*|was|wer|quel\\w*|quelle\\w*|qui|cual\\w*|que|quien)\\b[^.?!]{0,50}\\b(?:' +
        [
          'taller', 'tallest', 'higher', 'highest', 'longer', 'longest', 'bigger', 'biggest', 'largest', 'oldest', 'older', 'heavier', 'faster',
          'hoher', 'hochste\\w*', 'langer', 'langste\\w*', 'grosser', 'grosste\\w*', 'alteste\\w*', 'schneller',
          'plus (?:haut|grand|long|peuple|vieux|ancien|rapide)e?s?',
          'mas (?:alto|alta|largo|larga|grande|poblad[ao]|antigu[ao]|rapid[ao]|habitantes)',
        ].join('|') +
        ')',
      'capital of', 'boiling point', 'population of', 'hauptstadt', 'einwohner', 'capitale de', 'habitants', 'capital de', 'habitantes',
      'opening hours', 'offnungszeiten', 'horaires', 'horario',
    ),
  },
  {
    // Arrows or braces describing an everyday flow, not code.
    name: 'notation',
    pattern: /(?:->|→|=>)\s*\w*\s*[[{(]|^\s*\w+\([^)]{0,40}\)\s*(?:->|→|=>)|[[{][^\]}]{0,80}\|[^\]}]{0,80}[\]}]/u,
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
