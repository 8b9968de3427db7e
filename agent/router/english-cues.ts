/**
 * English named cues, each fed to the classifier as one feature. Kept small and literal: each
 * one lists words that signal a tier but that a few thousand examples cannot all contain. They
 * read the original text (not folded), so upper-case SQL keywords keep their case. After an
 * edit, run `npm run train:routing`: the shipped model and pattern index (model/) are made from
 * these patterns, and are not used until they are remade.
 */
export interface Cue {
  name: string;
  pattern: RegExp;
}

export const CUES: readonly Cue[] = [
  {
    name: 'meta-routing',
    pattern: new RegExp(
      [
        String.raw`\b(?:which|wich|what)\b[^.?!"]{0,20}\b(?:tool|tier|skill|handler|integration|agent)s?\b`,
        String.raw`\b(?:which|wich|what) model (?:handles|gets|takes|is for|fits)\b|\b(?:name|give me|just) the tier\b|\btier only\b`,
        String.raw`\b(?:orchestration|execution|reasoning|coding)[- ](?:tier|model)s?\b|\b(?:cheap|cheaper|cheapest|small|smaller|big|bigger|expensive|large)[- ](?:tier|model)\b(?!s)`,
        String.raw`\btier (?:for|label|please|only)\b`,
        String.raw`\broute (?:this|it|that|the request|the task)\b(?! (?:returns?|handles?|serves?|accepts?|gives?|lists?)\b)|\brouting (?:question|decision)\b|\brouter\b`,
        String.raw`\bis (?:this|it|that) an? (?:coding|code|reasoning|execution|orchestration)\b|\b(?:code|coding) (?:job|task)\b`,
        String.raw`\bclassify (?:this|the|each|these) (?:task|request)s?\b|\btool choice\b`,
        String.raw`\b(?:pick|choose|select|decide) (?:the |a )?(?:right |best )?(?:tool|tier|skill|model)\b`,
        String.raw`\bwhich (?:kind of |type of )?model (?:should|would|could|can|to|does)\b(?! (?:i|we)\b)`,
        String.raw`\bwhat (?:sort|kind|type) of (?:task|job|request)\b|\bneeds? the (?:\w+ )?(?:model|tier)\b|\bkind of model\b|\bthe right (?:skill|tool|tier|model)\b|\broute:`,
        String.raw`\b(?:code|mail|calendar|notes|web|coding|reasoning|execution|orchestration) (?:tool|task|job)\b`,
        String.raw`\b(?:go|goes|belong|belongs|be sent|get sent) to (?:the )?(?:orchestration|execution|reasoning|large-context)\b|\b(?:orchestration|execution|reasoning) or (?:orchestration|execution|reasoning)\b`,
        String.raw`\b(?:which|what) (?:provider|model|backend) (?:should|would|could|can) (?:answer|handle|take|get|do)\b`,
        String.raw`^(?=[^?]*\?\s*$)(?=[^?]*\b(?:fetch|pull|get|look(?:ing)? up|lookup|find|check|answer|supply|source|read|retrieve|query|search|list|count|come from|comes? from)\b)[^?]*\b(?:api|apis|connector|feed|search|lookup|notes|export|imap|inbox|mailbox|archive|scrap\w*|rss|integration|endpoint|vault|wikipedia|contacts|the web|website|site)\b[^.?!]{0,60}\bor\b[^.?!]{0,60}\b(?:api|apis|connector|feed|search|lookup|notes|export|imap|inbox|mailbox|archive|scrap\w*|rss|integration|endpoint|vault|wikipedia|contacts|the web|website|site|email|git log|history)\b`,
        String.raw`\b(?:the|my|a|an|this) [\w-]+ (?:skill|integration|plugin)\b[^.?!]{0,40}\b(?:handle|handles|cover|covers|do that|take)\b|\bskill or (?:a |an |the )?[\w-]+\b|\bor do (?:i|we) need (?:a |an )?(?:script|the coding model|code)\b`,
      ].join('|'),
      'i',
    ),
  },
  {
    name: 'code',
    pattern: new RegExp(
      [
        String.raw`\b(?:python|rust|golang|java|kotlin|swift|ruby|perl|php|lua|scala|haskell|elixir|typescript|javascript|js|ts|node|deno|react|vue|svelte|pandas|numpy|sql|sqlite|postgres|mysql|bash|zsh|powershell|applescript|vba|jq|awk|sed|grep)\b`,
        String.raw`\b(?:regexp?|regex(?:es)?|regular expressions?|scripts?|scripting|snippet|one-liner|functions?|class|methods?|variables?|refactor\w*|compiler|compilation|(?:won't|doesn't|does not|fails? to|can't|cannot) compile|compile (?:errors?|warnings?|time|step|flags?)|compile (?:it|this|that|the|my) (?:\w+ )?(?:code|program|project|binary|kernel|app|source|module|package|crate)|debug\w*|stack ?trace|quer(?:y|ies)|schema|migrations?|endpoints?|api|webhooks?|cron\w*|callbacks?|promises?|async|await|loops?|parser|parse|implement\w*|component|hooks?|modules?|dependenc(?:y|ies)|imports?|library|framework|formula|macro|command line|cli|rrule|crontab|tar|gzip|rsync|curl|wget|ffmpeg|imagemagick|chmod|ssh)\b`,
        String.raw`\b(?:flask|django|fastapi|express|rails|laravel|spring boot|next\.?js|rebase|cherry-pick|git stash|git push|pre-commit)\b|\bcommit (?:the |my |these |those |all )?(?:\w+ )?changes\b|\bcommit messages?\b|\bpush (?:it |them |the \w+ )?to (?:origin|remote|main|master|github)\b|\b(?:feature|release|main|master|dev) branch\b`,
        String.raw`\b(?:type (?:errors?|hints?|annotations?|checks?)|null checks?|assertions?|unused (?:variables?|imports?|code|functions?)|(?:list|dict) comprehensions?|getters?|setters?|return (?:type|value)s?|parameters?|arguments?|linter|lint warnings?|in this (?:file|module|function|method|class|repo|codebase))\b`,
        String.raw`\b(?:write|add|fix)\b[^.?!]{0,25}\btests?\b|\b(?:unit|integration|failing) tests?\b|\b(?:jest|pytest|mocha|vitest)\b`,
        String.raw`\b(?:yaml|json|toml|csv|xml|ini|tsconfig|dockerfile|docker|compose|kubernetes|terraform|ansible|nginx|systemd|makefile|npm|pip|git|github|ci|lint\w*|coding|(?:the|this|my|some|write|writing|python|source) code)\b`,
        String.raw`\b(?:batch|bulk)\b[^.?!]{0,15}\b(?:convert|rename|resize|move|delete)|\b\w+(?:Error|Exception)\b|\b(?:bugs?|bugfix|patch|crash\w*|null pointer|segfault|off-by-one)\b`,
        String.raw`\b[\w-]+\.(?:py|ts|tsx|js|jsx|sh|ya?ml|json|toml|sql|rs|go|rb|java|kt|php|cpp|ps1|conf|ini|xml)\b`,
      ].join('|'),
      'i',
    ),
  },
  {
    name: 'automation',
    pattern:
      /\b(?:automat\w*|home ?assistant|node-red|zigbee\w*|esphome|mqtt|ifttt|shortcuts? automation|blueprint|every (?:(?:school|week|work) ?)?(?:day|night|morning|evening|hour|week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|(?:each|on) (?:week ?(?:day|night)|school ?(?:day|night)|work ?day)s?(?: mornings?| evenings?| nights?)?|week ?(?:nights|days) at|nightly|hourly|auto-?(?:label|file|archive|sort|forward|reply|delete|tag|move|star)\w*|(?:e?mail|gmail|inbox|imap) (?:filters?|rules?)|(?:set up|create|make|build|add) (?:a |an )?(?:\w+ )?(?:rule|filter)s?\b|whenever|every time|each time|at (?:sunset|sunrise|dusk|dawn)|set (?:that|this|it) up|zaps?|triggers?)\b/i,
  },
  {
    name: 'reasoning',
    pattern: new RegExp(
      [
        String.raw`\b(?:trade-?offs?|pros (?:and|&|\/) cons|pros\/cons|should (?:i|we)|weigh(?:s|ed|ing|ted)?|in[- ]depth|deep[- ]dive|go deep|deep research|strateg\w*|recommend\w*|evaluat\w*|assess\w*|analy[sz](?:e|es|ed|er|ing|is)|compar\w*|versus|vs\.?|implications?|risks?|long[- ]term)\b`,
        String.raw`\b(?:think (?:it |this |carefully|hard|through)\w*|reason(?:ed|ing)? (?:it |through)\w*|reasoned|holistic\w*|nuanced|critiqu\w*|critical\w*|stress[- ]test|worth it|decide between|help me (?:decide|choose|think|work out)|scenarios?|thorough\w*|comprehensive|well-reasoned|considered|honest\w*|steelman|argu\w*|case for|for and against|devil'?s advocate|why (?:shouldn'?t|should(?:n'?t)? not) (?:i|we)|poke holes|what could go wrong|consequences|curated|synthesi[sz]\w*|realistic\w*|wiser?|sensible(?! (?:commit )?(?:message|name|default|filename))|smarter|a mistake|interpret\w*|how should (?:i|we))\b`,
        String.raw`\b(?:smartest|wisest|optimal|best (?:move|approach|way|option|strategy|choice)|is it (?:worth|wise|sensible|better)|make sense|feasib\w*|viab\w*|diagnos\w*|root cause|outlook|(?<!(?:the|weather|weather's|tomorrow's|today's|rain is|rain) )forecast|prioriti[sz]\w*)\b`,
        String.raw`\bworth (?:the |my |our )?(?:\w+ )?(?:effort|money|cost|hassle|risk|price|time|switch\w*|upgrad\w*|learning curve|keeping)\b|\b(?:is|are|was|would|be) [^.?!]{0,40}(?<!net |'s |’s )\bworth\b(?! of)`,
        String.raw`\b(?:most |more )?(?:likely|likeliest|probable|plausible) (?:cause|causes|culprit|explanation|reason)\b|\bwhat(?:'s| is) probably (?:going on|happening|wrong)\b`,
        String.raw`\bwhat (?:to|(?:i|we) should|should (?:i|we)) (?:cut|drop|cancel|trim|keep|sell|stop|change)\b|\bwhich (?:\w+ ){0,2}to (?:cut|drop|cancel|trim|keep|sell)\b|\b(?:bleeding|wasting|losing|haemorrhaging|hemorrhaging) money\b|\boverspend\w*\b`,
        String.raw`\b(?:under|over)(?:charg|pa[iy]|valu|pric)\w*|\bwhat (?:\w+ ){0,2}(?:i|we) should (?:charge|ask|offer|pay|move|switch|set)\b|\b(?:figure|work) out (?:if|whether)\b|\b(?:fairest|fairer|fair (?:way|split|share|price|rate|offer|deal)|(?:is|be|it's|feels?|seems?) fair)\b`,
        String.raw`\b(?:put together|compile|assemble|curate) (?:a |an |me a )?(?!(?:\w+ )?(?:morning|evening|daily|weekday|start-of-day|end-of-day)\b)(?:\w+ ){0,2}(?:report|briefing|reading list|shortlist|dossier|memo|primer|guide)\b|\bwhy each\b|\b(?:a |the )?reason for (?:including|choosing|picking) each\b`,
        String.raw`\b(?:figure|work) out why\b|\bget to the bottom of\b|\bfailure modes?\b|\bsingle points? of failure\b|\bweak (?:points|spots)\b|\b(?:identify|spot|find) (?:where|what|which|how)\b[^.?!]{0,40}\b(?:could|might|would|may) (?:go wrong|fail|break|lose|leak|derail)|\breview (?:the |my |our )?(?:design|architecture|approach)\b`,
        String.raw`\b(?:identify|spot|find|point out|flag|highlight|surface|name)\b[^.?!]{0,40}\b(?:bottlenecks?|weakness(?:es)?|weak(?:est)? (?:points|spots|sections|assumptions|links?)|flaws?|blind spots?|pitfalls?|vulnerabilit(?:y|ies)|riskiest)\b|\b(?:review|audit|look over|go over|go through|examine|scrutini[sz]e)\b[^.?!]{0,60}\b(?:bottlenecks?|weakness(?:es)?|flaws?|blind spots?|pitfalls?|vulnerabilit(?:y|ies)|riskiest)\b`,
      ].join('|'),
      'i',
    ),
  },
  {
    // Upper-case SQL keywords only: "select" and "update" are everyday words too.
    name: 'sql-keywords',
    pattern: /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM|JOIN|GROUP BY|ORDER BY|WHERE|UPSERT)\b/,
  },
  {
    name: 'large-input',
    pattern:
      /\b(?:\d{2,}|\d{1,3}(?:,\d{3})+)[- ]?(?:page|pages|hours?)\b|\b(?:\d{3,}|\d{1,3}(?:,\d{3})+)[- ]?(?:rows|lines|messages|emails|notes|files|words)\b|\b(?:entire|whole|complete|full[- ]length)\s+(?:[\w-]+\s+){0,3}?(?:mailbox|inbox|archive|history|export|book|novel|manual|codebase|monorepo|repo|repository|thread|chat|chats|log|logs|year|years|folder|drive|dump|backup|database|corpus|transcripts?|minutes|correspondence|series|collection|library|wiki|documentation|docs|regulation|directive|thesis|dissertation|tender)\b|\b(?:huge|massive|enormous|giant|every file|all (?:of )?(?:these|the|my) (?:\w+ )?(?:files|emails|documents|logs|notes|chats?|papers))\b|\b\d+ ?(?:gb|mb)\b/i,
  },
  {
    // Changing the shape or format of data is execution work, whatever the data is about.
    name: 'transform',
    pattern:
      /\b(?:convert\w*(?! [$£€]?\d)|transform\w*|reformat\w*|re-format\w*|normali[sz]\w*|dedupe\w*|de-?duplicat\w*|merg(?:e|es|ed|ing)|pivot\w*|flatten\w*|reshap\w*)\b|\bclean(?:ing|s|ed)? up (?:the |this |my |our )?(?:\w+ ){0,2}(?:sheet|spreadsheet|csv|data|dataset|columns?|table|export|log)\b|\bduplicate (?:rows|entries|records|lines|trips|contacts)\b|\b(?:\d+|two|three|several|different|mixed|inconsistent) (?:different )?(?:date |number |phone )?formats\b|\b(?:from|to|into|in) [\w.-]+ (?:style|format|syntax|notation|casing|case|encoding)\b|\b(?:vcf|vcard|ics|ical|enex|markdown|html|xlsx|xls|gpx|geojson|epub)\b|→|->/i,
  },
  {
    // Reading, condensing or pulling things out of a given text is orchestration work.
    name: 'summarise-extract',
    pattern:
      /\b(?:summar\w*|tl;?dr|gist|recap\w*|synopsis|sum up|boil down|condense|digest|rundown|overview|highlights|key points|main points|takeaways|extract\w*|pull (?:out|the)|grab|copy out|find the|look up|what did \w+ say)\b|\b(?:collect|gather|round up|compile|list|put)\b[^.?!]{0,40}\b(?:action (?:items?|points)|to-?dos|follow-?ups|next steps|open questions|who (?:promised|agreed|said they would)|(?:tasks|jobs|things) (?:\w+ ){0,2}(?:agreed|promised|assigned|volunteered))\b|\b(?:into|as|in) (?:a |one )?(?:check ?list|checkboxes|to-?do list)\b|\b(?:morning|evening|daily|weekday|weekend|monday|start-of-day|end-of-day|today's)[- ](?:briefing|brief|digest|rundown|round-?up|update)\b/i,
  },
  {
    // The task's own verb is to condense or pull out: what it reads (CI emails, a 10-K, a
    // Kubernetes post-mortem) does not make it code or analysis. Only the opening words count,
    // so "write a script that extracts ..." does not match.
    name: 'leading-summarise-extract',
    pattern:
      /^\W*(?:(?:hey|ok|okay|please|pls|plz|can you|could you|would you|quickly|quick|just|now)[,:]?\s+){0,3}(?:(?:give|get|send|make|write) me (?:a |an |the )?(?:quick |short |brief |one-line |two-line |\d+-line |fast )?|i (?:need|want) (?:a |an |the )?(?:quick |short |brief )?)?(?:summar\w*|tl;?dr|gist|recap\w*|condense|digest|sum up|boil down|skim|extract\w*|pull (?:out|the|every|all)|grab|list (?:the|every|all)|find (?:the|every|all)|what (?:did|does) (?:the |this |my )?[\w-]+(?: [\w-]+)? say|what are the (?:main|key) (?:points|takeaways)|key points|main points|highlights)\b/i,
  },
  {
    // Day-to-day actions on the user's own accounts and devices.
    name: 'personal-action',
    pattern:
      /\b(?:remind me|calendar|diary|invite|reply|respond|rsvp|forward|inbox|unread|to-?do|shopping list|reading list|lights?|thermostat|playlist|alarm|timer)\b|^\W*(?:please |pls )?(?:log|record|track|note down|jot down) (?:\d|a |an |my |today|that|this morning|last night)|\b(?:write|draft|send) (?:a |an )?(?:short |quick |brief |polite )?(?:reply|response|message|text|note|email)\b|^\W*(?:please |pls |kindly )?(?:make a note|note (?:that|down)|file (?:this|that|these|the|my|our) |(?:save|put|move) (?:this|that|these|the|my|our) [^.?!]{0,50}\b(?:in|into|under|to) (?:the |my |a )?(?:\w+ ){0,3}(?:folder|label|drive)\b)/i,
  },
  {
    // A short "this or that?" question asks for a judgement between options.
    name: 'either-or-question',
    pattern: /^[^.?!]{0,60}\b\w+ or \w+\b[^.?!]{0,40}\?\s*$/i,
  },
  {
    // Rewording a given text (translation, tone, register, grammar) is a transform: execution
    // work, however short the text. Condensing it is summarising and stays with orchestration.
    name: 'prose-transform',
    pattern:
      /\b(?:translat\w*|rewrit\w*|re-?word\w*|rephras\w*|paraphras\w*|proof-?read\w*|copy-?edit\w*|tone (?:it |this |that )?(?:down|up))\b|\binto (?:plain |simple |british |american |formal |informal )?(?:english|spanish|french|german|italian|portuguese|polish|dutch|japanese|chinese|mandarin|arabic|hindi|russian|ukrainian|greek|turkish|swedish|korean|welsh|irish)\b|\bin (?:english|spanish|french|german|italian|portuguese|polish|dutch|japanese|chinese|mandarin|arabic|hindi|russian|ukrainian|greek|turkish|swedish|korean|welsh|irish)\b|\b(?:sound|sounds|reads) (?:more|less|a bit more|a bit less|\w+er\b)|\b(?:british|american|us|uk) (?:english )?spellings?\b|\bfrom (?:english|spanish|french|german|italian|portuguese|polish|dutch|japanese|chinese|mandarin|arabic|hindi|russian|ukrainian|greek|turkish|swedish|korean|welsh|irish)\b|\b(?:more|less) (?:formal|formally|casual|professional|polite|friendly|concise|diplomatic)\b|\bin a (?:\w+ )?(?:warmer|friendlier|calmer|kinder|softer|firmer|more \w+) (?:tone|way|voice)\b|\bpolish (?:up )?(?:the |my |this )?(?:wording|prose|text|draft|speech|toast|letter|email|paragraph)\b|\b(?:past|present|future) tense\b|\b(?:into|as) (?:flowing|proper|polished|full|well-written|readable) (?:paragraphs?|prose|sentences|letters?)\b|\binto (?:prose|full sentences)\b/i,
  },
  {
    // A phrase, a sentence or a caption given inline is cheap to reword or translate; the
    // prose-transform cue is about texts of a letter's size and up.
    name: 'tiny-text',
    pattern:
      /\b(?:this|that|the|a|my) (?:short |single |quick |little |one-line |two-line )?(?:sentence|phrase|word|sign|caption|headline|slogan|tweet|text message|sms)\b|\b(?:short|one-line|two-line|brief) (?:text|note|message)\b|(?:^|[\s:(])["“][^"”]{1,60}["”]/i,
  },
  {
    // Adding or moving a calendar entry is a calendar call, even when it repeats every week.
    name: 'calendar-entry',
    pattern:
      /\b(?:add|put|block|book|pencil|schedule|move|push|shift|reschedule)\b[^.?!]{0,60}\b(?:calendar|diary|schedule)\b|\brecurring (?:event|meeting|appointment|entry)\b|^\W*(?:please |pls |can you |could you )?(?:move|push|shift|reschedule|bring forward) (?:the |my |our |swimming|\w+ )[^.?!]{0,40}\b(?:to|till|until) (?:\d|next|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)/i,
  },
  {
    // Working figures out of given numbers is a spreadsheet or script job, not a judgement.
    name: 'calculation',
    pattern:
      /\b(?:calculat\w*|comput(?:e|es|ed|ing)|annuali[sz]ed|cagr|x?irr|(?:month|year|week)[- ]on[- ](?:month|year|week)|percentage change|running total|average (?:monthly|weekly|daily|annual|yearly))\b/i,
  },
];

/** Indexes in CUES of the cues the classifier's rules read. */
export const META_ROUTING_CUE = 0;
export const LARGE_INPUT_CUE = 5;
