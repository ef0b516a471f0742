/* Parts of speech of languages other than English, from Apertium's
 * analysers (tag/pos_lang.h): the class of a form (only a verb, only an
 * adverb, a noun or a verb, a participle, an adjective, "de" or another
 * preposition), and that a French, Polish, Portuguese, Hindi, Urdu,
 * Russian, Dutch or Swedish notice's tags hold no verb. */
#include "testutil.h"
#include "tag/pos_lang.h"
#include "tag/tag.h"

#include <string.h>

static void test_verb_only_forms(void **state)
{
  (void)state;
  const char *const langs[] = { "fra", "pol", "por", "spa", "hin", "urd", "ita", "glg", "cat", "ron",
                                "nld", "swe", "dan", "nor", "rus", "ukr" };
  for (size_t i = 0; i < G_N_ELEMENTS(langs); i++)
    assert_non_null(pos_lang_of(langs[i]));
  assert_null(pos_lang_of("eng")); /* WordNet's (tag/pos.h) */
  assert_null(pos_lang_of("deu"));
  assert_int_equal(pos_lang_class(NULL, "soutient"), POS_LANG_NONE);

  /* the class of each form, by every analysis of it (tag/pos_lang_table.h) */
  static const struct { const char *lang, *form; unsigned int cls; } forms[] = {
    { "fra", "soutient", POS_LANG_VERB },  { "fra", "devient", POS_LANG_VERB },
    { "fra", "annoncera", POS_LANG_VERB }, { "fra", "coopérer", POS_LANG_VERB },
    { "pol", "zapowiada", POS_LANG_VERB }, { "pol", "powiedział", POS_LANG_VERB },
    { "pol", "buduje", POS_LANG_VERB },    { "por", "apresenta", POS_LANG_VERB },
    { "por", "anunciou", POS_LANG_VERB },  { "por", "reduz", POS_LANG_VERB },
    { "spa", "presenta", POS_LANG_VERB },  { "spa", "dijo", POS_LANG_VERB },
    { "hin", "बताया", POS_LANG_VERB },     { "hin", "करेंगी", POS_LANG_VERB },
    { "urd", "کرنا", POS_LANG_VERB },      { "urd", "بتایا", POS_LANG_VERB },
    { "ita", "sostiene", POS_LANG_VERB },  { "ita", "annuncia", POS_LANG_VERB },
    { "glg", "dixo", POS_LANG_VERB },      { "cat", "preveu", POS_LANG_VERB },
    { "ron", "prezintă", POS_LANG_VERB },
    /* Russian from both its analysers: rus-ukr's verbs, bel-rus's adverbs */
    { "rus", "рекомендуют", POS_LANG_VERB }, { "rus", "контролирует", POS_LANG_VERB },
    { "ukr", "рекомендують", POS_LANG_VERB }, { "nld", "vraagt", POS_LANG_VERB },
    /* the Scandinavian analysers' dictionaries loop for compounds */
    { "swe", "kontrollerar", POS_LANG_VERB }, { "dan", "kontrollerer", POS_LANG_VERB },
    { "nor", "kontrollerer", POS_LANG_VERB },
    { "rus", "заранее", POS_LANG_ADV },
    /* a short adjective is a predicate, as an adverb is ("вода мутна") */
    { "rus", "временно", POS_LANG_ADV }, { "rus", "мутна", POS_LANG_ADV },
    { "rus", "доставленные", POS_LANG_PARTICIPLE }, { "rus", "питьевой", POS_LANG_ADJ },
    { "swe", "akuta", POS_LANG_ADJ },      { "nld", "dringende", POS_LANG_ADJ },
    { "rus", "воды", POS_LANG_NONE },      { "swe", "vatten", POS_LANG_NONE },
    { "fra", "notamment", POS_LANG_ADV },  { "fra", "parfois", POS_LANG_ADV },
    { "por", "aproximadamente", POS_LANG_ADV }, { "pol", "samodzielnie", POS_LANG_ADV },
    { "pol", "ostatecznie", POS_LANG_ADV },
    /* a noun or an adjective as well as a verb: context decides */
    { "fra", "annonce", POS_LANG_NOUN_VERB }, { "fra", "présente", POS_LANG_ADJ_VERB },
    { "fra", "complète", POS_LANG_ADJ_VERB }, { "por", "limpa", POS_LANG_ADJ_VERB },
    { "fra", "compte", POS_LANG_NOUN_VERB },  { "por", "conta", POS_LANG_NOUN_VERB },
    { "por", "forma", POS_LANG_NOUN_VERB },
    { "spa", "cuenta", POS_LANG_NOUN_VERB },  { "ita", "forma", POS_LANG_NOUN_VERB },
    { "glg", "conta", POS_LANG_NOUN_VERB },
    /* participles; "élevé" is also an adjective */
    { "fra", "annoncé", POS_LANG_PARTICIPLE }, { "fra", "présenté", POS_LANG_PARTICIPLE },
    { "por", "aprovado", POS_LANG_PARTICIPLE }, { "spa", "aprobado", POS_LANG_PARTICIPLE },
    { "ita", "approvato", POS_LANG_PARTICIPLE }, { "fra", "élevé", POS_LANG_NONE },
    { "fra", "grande", POS_LANG_ADJ },         { "por", "maior", POS_LANG_ADJ },
    { "spa", "nuevo", POS_LANG_ADJ },          { "ita", "grande", POS_LANG_ADJ },
    { "fra", "nouvelle", POS_LANG_ADJ_NOUN },  { "fra", "public", POS_LANG_ADJ_NOUN },
    /* "de" and its contractions with the definite article, not with a
     * demonstrative or a pronoun ("deste", "dele") */
    { "fra", "de", POS_LANG_OF },    { "fra", "du", POS_LANG_OF },    { "fra", "des", POS_LANG_OF },
    { "fra", "d", POS_LANG_OF },     { "por", "do", POS_LANG_OF },    { "por", "das", POS_LANG_OF },
    { "glg", "do", POS_LANG_OF },    { "glg", "da", POS_LANG_OF },    { "spa", "del", POS_LANG_OF },
    { "ita", "di", POS_LANG_OF },    { "ita", "della", POS_LANG_OF }, { "ita", "dell", POS_LANG_OF },
    { "ita", "dei", POS_LANG_OF },   { "por", "deste", POS_LANG_PREP }, { "por", "no", POS_LANG_PREP },
    { "glg", "na", POS_LANG_PREP },  { "spa", "al", POS_LANG_PREP },  { "fra", "pendant", POS_LANG_PREP },
    /* cardinals, declined too, whatever verb they also spell ("opt", I opt;
     * "три", rub), not one also a noun or an adjective ("neuf", new) */
    { "cat", "dues", POS_LANG_NUM },  { "cat", "vint", POS_LANG_NUM },  { "ron", "două", POS_LANG_NUM },
    { "ron", "opt", POS_LANG_NUM },   { "rus", "двух", POS_LANG_NUM },  { "rus", "пяти", POS_LANG_NUM },
    { "ukr", "мільйонів", POS_LANG_NUM }, { "pol", "tysięcy", POS_LANG_NUM }, { "fra", "neuf", POS_LANG_NONE },
    { "spa", "ii", POS_LANG_NONE },   { "ron", "xii", POS_LANG_NONE },
    /* nouns, and forms of several other parts of speech; a noun that is
     * also a verb's first person ("registo", I register) is a noun */
    { "por", "registo", POS_LANG_NONE },
    { "fra", "plan", POS_LANG_NONE },      { "fra", "paris", POS_LANG_NONE },
    { "pol", "miasto", POS_LANG_NONE },    { "pol", "prezydent", POS_LANG_NONE },
    { "por", "governo", POS_LANG_NONE },   { "por", "cidade", POS_LANG_NONE },
    { "por", "estado", POS_LANG_NONE },    { "spa", "gobierno", POS_LANG_NONE },
    { "spa", "ciudad", POS_LANG_NONE },    { "hin", "किसान", POS_LANG_NONE },
    { "hin", "योजना", POS_LANG_NONE },      { "urd", "سلوک", POS_LANG_NONE },
    { "ita", "piano", POS_LANG_NONE },     { "ita", "governo", POS_LANG_NONE },
    { "glg", "concello", POS_LANG_NONE },  { "cat", "govern", POS_LANG_NONE },
    { "ron", "guvern", POS_LANG_NONE },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
    unsigned int got = pos_lang_class(pos_lang_of(forms[i].lang), forms[i].form);
    if (got != forms[i].cls)
      fail_msg("%s \"%s\" is of class %u, not %u", forms[i].lang, forms[i].form, got, forms[i].cls);
  }
}

/* A notice tagged in its language (ten tags, printed). */
static tag_outcome tagged(const char *text, const char *lang)
{
  tag_request req = { .text = text, .language = lang, .num_tags = 10, .model_name = "local" };
  tag_outcome out = { 0 };
  assert_int_equal(tag_run(NULL, &req, &out), DOCTAG_OK);
  printf("  %s:", lang);
  for (size_t i = 0; i < out.count; i++)
    printf(" [%s]", out.items[i].tag);
  printf("\n");
  return out;
}

static void expect_tags(const tag_outcome *out, const char *lang, const char *const *want, size_t nwant)
{
  for (size_t i = 0; i < nwant; i++) {
    bool found = false;
    for (size_t j = 0; j < out->count && !found; j++)
      found = !strcmp(out->items[j].tag, want[i]);
    if (!found)
      fail_msg("%s: no tag \"%s\"", lang, want[i]);
  }
}

/* Tags, the `want`ed ones among them; no word of theirs only a verb, nor
 * one of `never` (NULL-terminated; NULL: none), the forms the text uses as
 * verbs and participles; and no tag an adjective alone. */
static void expect_no_verb(const char *text, const char *lang, const char *const *want, size_t nwant,
                           const char *const *never)
{
  tag_outcome out = tagged(text, lang);
  assert_true(out.count >= 5);
  const pos_lang_table *t = pos_lang_of(lang);
  for (size_t i = 0; i < out.count; i++) {
    gchar **words = g_strsplit_set(out.items[i].tag, " -", -1);
    for (gchar **w = words; *w; w++) {
      unsigned int c = pos_lang_class(t, *w);
      bool listed = false;
      for (const char *const *n = never; n && *n && !listed; n++)
        listed = !strcmp(*w, *n);
      if (c == POS_LANG_VERB || listed)
        fail_msg("%s tag \"%s\" holds \"%s\"", lang, out.items[i].tag, *w);
    }
    unsigned int alone = words[1] ? POS_LANG_NONE : pos_lang_class(t, words[0]);
    if (alone == POS_LANG_ADJ || alone == POS_LANG_ADJ_VERB)
      fail_msg("%s tag \"%s\" is an adjective alone", lang, out.items[i].tag);
    g_strfreev(words);
  }
  expect_tags(&out, lang, want, nwant);
  tag_outcome_clear(&out);
}

static void test_notices_hold_no_verb(void **state)
{
  (void)state;
  const char *fra_want[] = { "plan de relance", "rénovation thermique" };
  expect_no_verb("Le plan de relance\n"
                 "Le plan de relance soutient les entreprises du bâtiment. Le plan prévoit la rénovation "
                 "thermique des écoles, et le ministre affirme que la rénovation thermique réduit les factures. "
                 "Le plan soutient aussi les communes rurales. Les entreprises du bâtiment embauchent, et la "
                 "région finance les travaux. Le plan de relance devient la priorité du gouvernement.",
                 "fra", fra_want, G_N_ELEMENTS(fra_want), NULL);
  /* an adverb alone neither: "parfois plusieurs heures" */
  /* "hôpitaux publics" spelt as the title's "l'hôpital public manque", where "manque" is the verb */
  const char *fra_news_want[] = { "jeunes médecins", "hôpital public" };
  expect_no_verb("Santé : l'hôpital public manque de médecins\n"
                 "Les hôpitaux publics manquent de médecins dans plusieurs départements ruraux, selon un rapport "
                 "de la Cour des comptes publié lundi. Le rapport constate que les services d'urgence ferment la "
                 "nuit dans une trentaine de villes. Les auteurs recommandent une meilleure répartition des "
                 "internes et proposent des primes pour les jeunes médecins qui s'installent à la campagne. La "
                 "ministre de la Santé reconnaît des difficultés et promet un plan de recrutement. Les patients "
                 "attendent parfois plusieurs heures avant une consultation. Le syndicat des médecins "
                 "hospitaliers dénonce la fatigue des équipes et réclame des hausses de salaire. Plusieurs "
                 "régions expérimentent la télémédecine, qui réduit les déplacements des patients âgés.",
                 "fra", fra_news_want, G_N_ELEMENTS(fra_news_want), (const char *const[]){ "parfois", NULL });
  const char *pol_want[] = { "sieć tramwajowa" };
  expect_no_verb("Nowa sieć tramwajowa\n"
                 "Miasto zapowiada budowę nowej linii tramwajowej. Miasto buduje też parkingi, a prezydent "
                 "miasta twierdzi, że sieć tramwajowa ogranicza korki. Mieszkańcy chwalą decyzję, ale kupcy "
                 "protestują. Sieć tramwajowa obejmuje wkrótce nowe osiedla, a miasto finansuje zakup "
                 "tramwajów. Radni przyjmują budżet linii tramwajowej w maju.",
                 "pol", pol_want, G_N_ELEMENTS(pol_want), NULL);
  const char *por_want[] = { "rede de ciclovias" };
  expect_no_verb("A rede de ciclovias\n"
                 "A câmara apresenta uma rede de ciclovias que liga os bairros ao centro. O presidente "
                 "afirma que a rede de ciclovias reduz a poluição. Os comerciantes temem perdas e a câmara "
                 "promete parques de estacionamento. A rede de ciclovias atinge duzentos quilómetros, e o "
                 "governo apoia o projeto. Os moradores conhecem o traçado em sessões públicas.",
                 "por", por_want, G_N_ELEMENTS(por_want), NULL);
  /* Hindi's phrases come from tag/local.c, every other language's from tag/keyphrase.c */
  const char *hin_want[] = { "फसल बीमा योजना" };
  expect_no_verb("फसल बीमा योजना\n"
                 "सरकार ने किसानों के लिए नई फसल बीमा योजना की घोषणा की। कृषि मंत्री ने बताया कि फसल बीमा "
                 "योजना के तहत छोटे किसानों को कम प्रीमियम देना होगा। मंत्री ने बताया कि बीमा कंपनियाँ दावों "
                 "का निपटारा तीस दिन में करेंगी। राज्य सरकारें शिविर लगाएँगी, जहाँ किसान आवेदन भरेंगे। फसल "
                 "बीमा योजना से किसानों को लाभ मिलेगा, और बैंक भी आवेदन स्वीकार करेंगी।",
                 "hin", hin_want, G_N_ELEMENTS(hin_want), NULL);
  const char *urd_want[] = { "بیمہ اسکیم" };
  expect_no_verb("بیمہ اسکیم\n"
                 "حکومت نے کسانوں کے لیے نئی بیمہ اسکیم کا اعلان کیا۔ وزیر نے بتایا کہ بیمہ اسکیم کے تحت کسانوں "
                 "کو کم پریمیم ادا کرنا ہوگا۔ حزب اختلاف نے کہا کہ حکومت کو کسانوں کے ساتھ بہتر سلوک کرنا "
                 "چاہیئے۔ وزیر نے بتایا کہ بیمہ اسکیم سے کسانوں کو فائدہ ہوگا۔",
                 "urd", urd_want, G_N_ELEMENTS(urd_want), (const char *const[]){ "چاہیئے", NULL });
  /* adjective, noun and genitives: "качество питьевой воды"; no verb
   * the analysers do not know either ("запастись", a reflexive infinitive;
   * "продлить" after "могут"), nor an adverb or a short adjective */
  /* a genitive joins the noun before it, another case starts the next
   * phrase ("магистральном водопроводе | водоснабжение"), and a verb
   * neither analyser knows after a noun is none ("водоканала просит") */
  const char *rus_want[] = { "питьевой водой", "центральной библиотеки", "магистральном водопроводе" };
  expect_no_verb("Ремонт водопровода и центральной библиотеки\n"
                 "В связи с проведением плановых ремонтных работ на магистральном водопроводе водоснабжение в "
                 "северном районе будет отключено во вторник. Управление водоканала просит жителей заранее "
                 "запастись питьевой водой. После возобновления подачи вода может быть временно мутной. "
                 "Специалисты рекомендуют дать воде стечь несколько минут. Качество питьевой воды постоянно "
                 "контролирует лаборатория. Городская администрация также объявила о капитальном ремонте "
                 "центральной библиотеки. Читальный зал временно переедет в здание дома культуры. Жители "
                 "могут продлить срок возврата книг по телефону. Финансирование капитального ремонта "
                 "центральной библиотеки выделено из областного бюджета.",
                 "rus", rus_want, G_N_ELEMENTS(rus_want),
                 (const char *const[]){ "запастись", "заранее", "временно", "постоянно", "продлить", "стечь", "просит",
                                        NULL });
  /* an adjective after a noun starts the next phrase: "na de renovatie
   * nieuwe computers", "kranvattnet tillfälligt grumligt" */
  const char *nld_want[] = { "openbare bibliotheek", "dringende herstelwerkzaamheden" };
  expect_no_verb("Renovatie van de openbare bibliotheek\n"
                 "De gemeente heeft besloten de openbare bibliotheek aan het Marktplein te renoveren. Wegens "
                 "dringende herstelwerkzaamheden aan de hoofdwaterleiding gaat de bibliotheek in juni dicht. "
                 "Het waterbedrijf vraagt alle bewoners voldoende drinkwater klaar te zetten. Volgens de "
                 "directeur krijgt de bibliotheek na de renovatie nieuwe computers en een aparte "
                 "kinderafdeling. De renovatie van de openbare bibliotheek wordt betaald uit het provinciale "
                 "budget, en de dringende herstelwerkzaamheden door het waterbedrijf.",
                 "nld", nld_want, G_N_ELEMENTS(nld_want), (const char *const[]){ "vraagt", "renovatie nieuwe", NULL });
  const char *swe_want[] = { "akuta reparationer" };
  expect_no_verb("Tillfälligt avbrott i vattenförsörjningen\n"
                 "På grund av akuta reparationer av huvudvattenledningen på Storgatan stängs "
                 "vattenförsörjningen i stadsdelen Norr av på tisdag. Kommunens vattenverk uppmanar alla "
                 "boende att fylla flaskor med dricksvatten. Efter reparationen kan kranvattnet tillfälligt "
                 "vara grumligt. Vattenverket kontrollerar kvaliteten på dricksvattnet, och de akuta "
                 "reparationerna står klara i maj. Akuta reparationer av ledningar kostar kommunen mycket.",
                 "swe", swe_want, G_N_ELEMENTS(swe_want), (const char *const[]){ "uppmanar", "kontrollerar", "fylla", NULL });
}

/* Forms both nouns and verbs are verbs where the text uses them as verbs
 * ("la mairie annonce la fermeture", "o concello forma parte"), nouns
 * after a determiner ("l'annonce de la fermeture"); a participle after a
 * noun ends its phrase ("le projet présenté par le maire": "projet") unless
 * the text repeats the two as a term ("eaux usées", "compte rendu"); "de"
 * contracted with an article joins nouns as "de" does ("encerramento da
 * biblioteca", "mellora das rúas"); an adjective alone is no tag ("A maior
 * parte", "El proyecto es grande y nuevo"); nor is a verb with its
 * pronoun ("publícase", "presentarlo"). */
static void test_verbs_by_context(void **state)
{
  (void)state;
  static const struct {
    const char *lang, *text;
    const char *want[4];  /* NULL-terminated, as `never` */
    const char *never[6]; /* the forms the text uses as verbs, the adjectives it uses alone */
  } notices[] = {
    { "fra",
      "Fermeture de la piscine municipale\n"
      "La mairie annonce la fermeture de la piscine municipale pendant trois mois. Le projet présenté "
      "par le maire prévoit la rénovation complète du bassin et des vestiaires. Le conseil municipal "
      "compte sur une subvention de la région. L'annonce de la fermeture inquiète les clubs de "
      "natation, qui présente une pétition au conseil. Le compte rendu de la séance est publié sur le "
      "site de la commune. La nouvelle piscine ouvrira en septembre, et la ville présente un plan de "
      "transport vers les piscines voisines.",
      { "piscine municipale", "conseil municipal", "rénovation complète du bassin" },
      { "présente", "pendant", "présenté" } },
    { "fra",
      "Le gouvernement présente un nouveau budget\n"
      "Le gouvernement présente mercredi un budget qui réduit les dépenses de l'État. Le ministre des "
      "finances annonce une baisse des impôts pour les ménages modestes. Le texte adopté par le conseil "
      "des ministres prévoit aussi une hausse du budget de la santé. L'opposition dénonce un budget "
      "injuste et compte déposer des amendements. Selon le ministre, la dette publique reste élevée, "
      "mais la croissance est nouvelle et solide. Les syndicats attendent la présentation du projet de "
      "loi de finances au Parlement.",
      { "budget injuste", "conseil des ministres" },
      { "présente", "annonce", "compte", "reste", "nouvelle", "adopté" } },
    { "por",
      "Aviso de encerramento da biblioteca\n"
      "A câmara municipal informa que a biblioteca do concelho fecha durante o mês de agosto. O "
      "documento aprovado pela assembleia municipal prevê obras no edifício da biblioteca. A câmara "
      "conta com o apoio do governo para financiar as obras. A conta da obra é publicada no portal do "
      "município. O registo dos leitores continua aberto, e a biblioteca apresenta uma forma nova de "
      "empréstimo digital. O plano da câmara forma técnicos para o novo serviço. A maior parte dos "
      "livros fica disponível no centro cultural.",
      { "encerramento da biblioteca", "biblioteca do concelho", "assembleia municipal" },
      { "maior", "aprovado" } },
    { "por",
      "Governo apresenta plano para a saúde\n"
      "O governo apresenta esta semana um plano para reduzir as listas de espera nos hospitais. O "
      "ministro da saúde anuncia a contratação de médicos de família. O projeto aprovado pelo "
      "conselho de ministros prevê mais camas nos hospitais públicos. A oposição critica o plano e "
      "conta apresentar propostas. Segundo o ministro, o sistema de saúde precisa de investimento, e a "
      "reforma é grande. Os sindicatos dos enfermeiros pedem a revisão das carreiras.",
      { "hospitais públicos", "ministro da saúde", "listas de espera" },
      /* "precisa de": the verb before its complement, no adjective */
      { "conta", "aprovado", "precisa" } },
    { "spa",
      "Nuevo plan de movilidad\n"
      "El ayuntamiento presenta el nuevo plan de movilidad del municipio. El documento aprobado por el "
      "pleno prevé carriles para bicicletas en el centro de la ciudad. La alcaldesa anuncia una red de "
      "autobuses eléctricos y cuenta con fondos europeos. La cuenta del proyecto se publica en la web "
      "del ayuntamiento. El plan forma parte de la estrategia del gobierno regional. Los vecinos del "
      "barrio reclaman más aparcamiento, y la asociación de comerciantes presenta una queja. El "
      "proyecto es grande y nuevo.",
      { "nuevo plan de movilidad", "documento" },
      { "forma", "aprobado" } },
    { "ita",
      "Chiusura temporanea della biblioteca comunale\n"
      "Il comune annuncia la chiusura della biblioteca comunale per lavori di ristrutturazione. Il "
      "progetto approvato dalla giunta prevede il rifacimento del tetto e degli impianti. Il sindaco "
      "conta sul contributo della regione. La chiusura della biblioteca preoccupa gli studenti, e "
      "l'associazione dei genitori presenta una petizione. Il piano della giunta forma nuovi "
      "bibliotecari per il servizio digitale. La nuova biblioteca aprirà a settembre. Il progetto è "
      "grande.",
      { "biblioteca comunale", "progetto" },
      { "forma", "approvato" } },
    { "glg",
      "Plan de mellora das rúas do centro\n"
      "O concello presenta o plan de mellora das rúas do centro. O documento aprobado polo pleno "
      "prevé a renovación das beirarrúas e do alumeado público. O alcalde conta coa axuda da Xunta "
      "para financiar as obras. O plan do concello forma parte da estratexia de mobilidade. A conta "
      "das obras publícase na web do concello. Os veciños do barrio piden máis aparcamento, e a "
      "asociación de comerciantes presenta unha queixa. A maior parte das obras remata en xuño.",
      { "mellora das rúas", "rúas do centro" },
      { "forma", "maior", "publícase", "aprobado" } },
    { "spa",
      "Nuevo centro de salud en el barrio\n"
      "El ayuntamiento inaugura el centro de salud del barrio norte. Para presentarlo, la alcaldesa visitó "
      "las consultas con los médicos. La obra, dándole prioridad a la atención primaria, costó dos millones "
      "de euros. Los estudiantes de medicina y el presidente de la asociación vecinal asistieron al acto. Es "
      "importante que el centro abra por la tarde.",
      { "nuevo centro de salud", "atención primaria" },
      { "presentarlo", "dándole" } },
    { "fra",
      "Traitement des eaux usées\n"
      "La commune modernise la station de traitement des eaux usées. Les eaux usées des quartiers nord "
      "arrivent aujourd'hui dans une station saturée. Le projet présenté par le maire prévoit un nouveau "
      "bassin. Le compte rendu de la séance du conseil détaille le coût des travaux, et le compte rendu sera "
      "affiché en mairie.",
      { "eaux usées", "compte rendu" },
      { "saturée", "présenté", "affiché" } },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(notices); i++) {
    size_t nwant = 0;
    while (notices[i].want[nwant])
      nwant++;
    expect_no_verb(notices[i].text, notices[i].lang, notices[i].want, nwant, notices[i].never);
  }
}

/* Catalan, Romanian and Polish read a form by its neighbours as the other
 * Romance languages do: a noun after an article, a determiner or an
 * elided "l'" ("la tanca del recinte", "el pla"), a verb after a clitic or
 * a noun phrase or before an object's article ("el pla forma part", "la
 * plaça Major costa dos milions", "l'ajuntament reurbanitza la plaça"); a
 * verb the analyser lacks by its ending ("digitalizează", "modernizuje",
 * "rewitalizuje"); no number written out ("dos milions", "două milioane"). */
static void test_cues_catalan_romanian_polish(void **state)
{
  (void)state;
  static const struct {
    const char *lang, *text;
    const char *want[3];
    const char *never[6];
  } notices[] = {
    { "cat",
      "Nou pla de mobilitat urbana\n"
      "L'ajuntament presenta el nou pla de mobilitat urbana de la ciutat. El document aprovat pel ple preveu "
      "carrils bici al centre i una xarxa d'autobusos elèctrics. L'alcaldessa anuncia que la ciutat compta amb "
      "fons europeus per finançar les obres. La compta del projecte es publica al web de l'ajuntament. El pla "
      "forma part de l'estratègia del govern regional. Els veïns del barri reclamen més aparcament, i "
      "l'associació de comerciants presenta una queixa. El pla de mobilitat urbana entra en vigor al setembre.",
      { "mobilitat urbana", "ajuntament" },
      { "presenta", "forma", "aprovat" } },
    { "cat",
      "Reforma de la plaça Major\n"
      "L'ajuntament reurbanitza la plaça Major i monitoritza la qualitat de l'aire del barri. El nou paviment "
      "substitueix l'asfalt, i la plaça guanya espai per als vianants. Els comerciants de la plaça demanen més "
      "aparcament. La reforma de la plaça Major costa dos milions d'euros, i les obres van començar al març. "
      "El consistori va presentar el projecte als veïns, que poden consultar els plànols al web municipal.",
      { "plaça major", "qualitat de l'aire" },
      { "reurbanitza", "monitoritza", "costa", "dos", "milions" } },
    { "ron",
      "Arhiva digitală a primăriei\n"
      "Primăria digitalizează arhiva de stare civilă a orașului. Cetățenii pot solicita online certificatele "
      "de naștere, iar funcționarii digitalizează documentele vechi din arhiva primăriei. Proiectul costă "
      "două milioane de lei și se încheie în decembrie. Consiliul local aprobă și un program de formare "
      "pentru angajați, sub forma unor cursuri online. Arhiva digitală a primăriei va fi deschisă publicului "
      "de anul viitor.",
      { "arhiva digitală", "documentele vechi" },
      { "digitalizează", "două", "milioane" } },
    { "pol",
      "Nowa oczyszczalnia ścieków\n"
      "Gmina modernizuje oczyszczalnię ścieków i rewitalizuje park miejski nad rzeką. Zmodernizowana "
      "oczyszczalnia ścieków obsłuży trzy sąsiednie wsie. Wójt zapowiada, że planowana inwestycja zakończy "
      "się w przyszłym roku. Ten projekt gmina zrealizowała dzięki funduszom unijnym. Mieszkańcy pytają o "
      "podwyżki opłat za wodę, a radni obiecują, że opłaty nie wzrosną. Planowana inwestycja obejmuje też "
      "budowę nowej sieci kanalizacyjnej.",
      { "oczyszczalnię ścieków", "park miejski" },
      { "modernizuje", "rewitalizuje" } },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(notices); i++) {
    size_t nwant = 0;
    while (notices[i].want[nwant])
      nwant++;
    expect_no_verb(notices[i].text, notices[i].lang, notices[i].want, nwant, notices[i].never);
  }
}

/* A Polish or Russian participle before its noun is part of the term
 * ("przygotowany projekt", "доставленные бутылки"), a verb's adverbial
 * participle is not ("planując budowę"); a Romance participle after its
 * noun said once is one where the phrase goes on ("sistema integrado de
 * gestão") and not before its agent ("projeto aprovado pela"). */
static void test_participles_in_terms(void **state)
{
  (void)state;
  static const struct {
    const char *lang, *text;
    const char *want[3];
    const char *never[3];
  } notices[] = {
    { "pol",
      "Przebudowa dworca kolejowego\n"
      "Rozpoczyna się przebudowa dworca kolejowego w centrum miasta. Przygotowany projekt przewiduje nową halę "
      "dla podróżnych i podziemne przejście pod torami. Remont zostanie zakończony w przyszłym roku. Planując "
      "budowę, kolej zamknęła część peronów. Zamknięte perony zostaną ponownie otwarte w październiku. "
      "Podróżni korzystają z tymczasowych kas biletowych przy parkingu.",
      { "przygotowany projekt", "zamknięte perony" },
      { "planując", "zakończony" } },
    { "rus",
      "Доставка питьевой воды\n"
      "Из-за аварии на водопроводе жители северного района остались без воды. Управление водоканала "
      "организовало подвоз питьевой воды. Доставленные бутылки с водой раздают во дворах домов. Аварийная "
      "бригада заменила поврежденный участок трубы. Поврежденный участок трубы находился под дорогой, поэтому "
      "движение по улице было перекрыто. Доставка воды продолжится до завтрашнего вечера.",
      { "доставленные бутылки", "поврежденный участок трубы" },
      { "перекрыто" } },
    { "por",
      "Nova plataforma para os serviços municipais\n"
      "A câmara municipal lança uma plataforma digital para os serviços do município. O sistema integrado de "
      "gestão reúne os pedidos dos munícipes num só portal. Os munícipes podem acompanhar os processos em tempo "
      "real. A plataforma digital custou meio milhão de euros, financiados por fundos europeus. O presidente da "
      "câmara afirma que a plataforma reduz os prazos de resposta. O projeto aprovado pela assembleia municipal "
      "prevê novos serviços no próximo ano.",
      { "sistema integrado", "plataforma digital" },
      { "aprovado", "financiados" } },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(notices); i++) {
    size_t nwant = 0;
    while (notices[i].want[nwant])
      nwant++;
    expect_no_verb(notices[i].text, notices[i].lang, notices[i].want, nwant, notices[i].never);
  }
}

/* A verb's form the text writes as a name is one: "temer", to fear. */
static void test_names_stay(void **state)
{
  (void)state;
  tag_outcome out = tagged("A reforma da previdência\n"
                           "O presidente Michel Temer apresenta hoje a reforma da previdência. Segundo o governo, "
                           "Michel Temer defende a reforma da previdência no Congresso, e a oposição critica o "
                           "texto. Os sindicatos anunciam protestos contra Michel Temer em várias cidades.",
                           "por");
  const char *want[] = { "michel temer", "reforma da previdência" };
  expect_tags(&out, "por", want, G_N_ELEMENTS(want));
  tag_outcome_clear(&out);
}

/* No tag holds any of `never` (NULL-terminated) as a run of its words. */
static void expect_no_tag_holding(const tag_outcome *out, const char *lang, const char *const *never)
{
  for (size_t i = 0; i < out->count; i++)
    for (const char *const *n = never; *n; n++)
      if (strstr(out->items[i].tag, *n))
        fail_msg("%s tag \"%s\" holds \"%s\"", lang, out->items[i].tag, *n);
}

/* A Russian noun after a noun joins it only as a genitive; a masculine
 * agent's plural ("-тели", "-исты", "-щики": their genitive singular is
 * "-я", "-а") is none, the next clause's subject ("после ремонта дороги |
 * водители смогут"). */
static void test_russian_plural_subjects(void **state)
{
  (void)state;
  tag_outcome out = tagged("Новые автобусы для города\n"
                           "В рамках программы обновления транспорта город получит сорок новых автобусов. "
                           "После ремонта дороги водители смогут ездить быстрее. Во время проверки "
                           "специалисты выявили нарушения правил пожарной безопасности. На территории "
                           "больницы строители начали возведение нового корпуса. В течение недели "
                           "поставщики заменят оборудование. Новые автобусы выйдут на маршруты в марте, "
                           "а водители автобусов пройдут обучение.",
                           "rus");
  expect_no_tag_holding(&out, "rus",
                        (const char *const[]){ "дороги водители", "проверки специалисты", "больницы строители",
                                               "недели поставщики", NULL });
  const char *want[] = { "новые автобусы", "водители автобусов" };
  expect_tags(&out, "rus", want, G_N_ELEMENTS(want));
  tag_outcome_clear(&out);
}

/* Romanian glues its definite article on a noun phrase's first word
 * ("noile certificate"): a noun in the nominative's "-ul", "-le" after
 * another word begins a phrase ("solicita online | certificatele"), a
 * genitive's "-ului", "-lor" joins ("portalul primăriei"). */
static void test_romanian_definite_starts(void **state)
{
  (void)state;
  tag_outcome out = tagged("Certificatele de urbanism se pot obține online\n"
                           "Primăria municipiului anunță că cetățenii pot solicita online certificatele de "
                           "urbanism. Certificatele de urbanism sunt emise în termen de zece zile. Cererile se "
                           "depun online pe portalul primăriei, iar plata taxelor se face cu cardul. Locuitorii "
                           "pot descărca online formularele necesare, iar serviciul de urbanism verifică "
                           "documentele depuse.",
                           "ron");
  expect_no_tag_holding(&out, "ron", (const char *const[]){ "online certificatele", "online formularele", NULL });
  const char *want[] = { "certificatele de urbanism", "portalul primăriei", "formularele necesare" };
  expect_tags(&out, "ron", want, G_N_ELEMENTS(want));
  tag_outcome_clear(&out);
}

/* ... and so does a feminine noun in "-ea", "-ia" with its article, of a
 * noun in "-e", "-ie" ("depune online | cererea"); the genitive's "-ii"
 * joins ("parterul clădirii"). */
static void test_romanian_feminine_definite_starts(void **state)
{
  (void)state;
  char *path = g_strdup_printf("%s/tests/unit/tagdata/ron_online.txt", getenv("DOCTAG_SOURCE_DIR"));
  char *text = tu_read(path, NULL);
  assert_non_null(text);
  tag_outcome out = tagged(text, "ron");
  expect_no_tag_holding(&out, "ron", (const char *const[]){ "online cererea", "online certificatele", NULL });
  const char *want[] = { "portalul primăriei", "plata taxelor" };
  expect_tags(&out, "ron", want, G_N_ELEMENTS(want));
  tag_outcome_clear(&out);
  g_free(text);
  g_free(path);
}

/* A stop word the table also reads as a noun is the noun after an article
 * of its number: Catalan's "deu" (ten, owes) is the spring in "la deu
 * termal", a number in "deu milions", a verb in "l'ajuntament deu pagar". */
static void test_stop_nouns_after_articles(void **state)
{
  (void)state;
  tag_outcome out = tagged("La deu d'aigua del parc natural\n"
                           "L'ajuntament ha restaurat la deu d'aigua del parc natural, una deu termal que els veïns "
                           "visiten des de fa segles. La restauració ha costat deu milions d'euros i ha durat deu "
                           "mesos. La deu termal torna a rajar aigua calenta. L'empresa constructora deu encara una "
                           "part dels treballs, i l'ajuntament deu pagar la resta abans de l'estiu. Els visitants "
                           "podran banyar-se a la deu termal a partir del mes de maig.",
                           "cat");
  const char *want[] = { "deu termal" };
  expect_tags(&out, "cat", want, G_N_ELEMENTS(want));
  expect_no_tag_holding(&out, "cat", (const char *const[]){ "deu milions", "deu mesos", "deu pagar", NULL });
  tag_outcome_clear(&out);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_verb_only_forms),
    cmocka_unit_test(test_notices_hold_no_verb),
    cmocka_unit_test(test_verbs_by_context),
    cmocka_unit_test(test_cues_catalan_romanian_polish),
    cmocka_unit_test(test_participles_in_terms),
    cmocka_unit_test(test_names_stay),
    cmocka_unit_test(test_russian_plural_subjects),
    cmocka_unit_test(test_romanian_definite_starts),
    cmocka_unit_test(test_romanian_feminine_definite_starts),
    cmocka_unit_test(test_stop_nouns_after_articles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
