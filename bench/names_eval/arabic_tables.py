"""Arabic given names and family names: Arabic script and a vocalised phonemic transcription.

Written for this evaluation set from general knowledge of Arabic names (no list of real people
was used). The phonemic notation, from which every romanisation is derived by rules:

    '  hamza ء          θ  ث             j  ج             ħ  ح             x  خ
    ð  ذ                ʃ  ش             S  ص             D  ض             T  ط
    Z  ظ                ʕ  ع             ɣ  غ             q  ق             w, y  و ي
    a i u  short vowels, ā ī ū  long vowels, A  alif maqṣūra (final ى, a long a),
    @  tāʾ marbūṭa (final ة), a doubled consonant is a shadda, "al-" is the article.

Frequencies come from names-dataset 3.3.1 ranks (Arabic script, EG SA IQ SY JO AE KW LB MA DZ
TN LY); a name the dataset does not rank gets a low default weight.
"""

from __future__ import annotations

# (Arabic script, phonemic)
MALE: list[tuple[str, str]] = [
    ("محمد", "muħammad"), ("أحمد", "'aħmad"), ("علي", "ʕalī"), ("حسن", "ħasan"),
    ("حسين", "ħusayn"), ("محمود", "maħmūd"), ("مصطفى", "muSTafA"), ("عمر", "ʕumar"),
    ("خالد", "xālid"), ("يوسف", "yūsuf"), ("إبراهيم", "'ibrāhīm"), ("عبد الله", "ʕabd allāh"),
    ("عبد الرحمن", "ʕabd al-raħmān"), ("عبد العزيز", "ʕabd al-ʕazīz"),
    ("عبد الكريم", "ʕabd al-karīm"), ("عبد القادر", "ʕabd al-qādir"),
    ("عبد الرحيم", "ʕabd al-raħīm"), ("عبد الحميد", "ʕabd al-ħamīd"),
    ("عبد اللطيف", "ʕabd al-laTīf"), ("عبد الناصر", "ʕabd al-nāSir"),
    ("عبد الحكيم", "ʕabd al-ħakīm"), ("عبد المجيد", "ʕabd al-majīd"),
    ("عبد السلام", "ʕabd al-salām"), ("عبد الرزاق", "ʕabd al-razzāq"),
    ("عبد الغني", "ʕabd al-ɣanī"), ("عبد الملك", "ʕabd al-malik"),
    ("عبد الوهاب", "ʕabd al-wahhāb"), ("عبد الباسط", "ʕabd al-bāsiT"),
    ("عبد الجبار", "ʕabd al-jabbār"), ("عبد الفتاح", "ʕabd al-fattāħ"),
    ("نور الدين", "nūr al-dīn"), ("صلاح الدين", "Salāħ al-dīn"), ("علاء الدين", "ʕalā' al-dīn"),
    ("سيف الدين", "sayf al-dīn"), ("عز الدين", "ʕizz al-dīn"), ("خير الدين", "xayr al-dīn"),
    ("عباس", "ʕabbās"), ("حيدر", "ħaydar"), ("خليل", "xalīl"), ("سعيد", "saʕīd"),
    ("سعد", "saʕd"), ("صالح", "Sāliħ"), ("سليمان", "sulaymān"), ("إسماعيل", "'ismāʕīl"),
    ("عيسى", "ʕīsA"), ("موسى", "mūsA"), ("يحيى", "yaħyA"), ("زكريا", "zakariyyā"),
    ("حمزة", "ħamza@"), ("طارق", "Tāriq"), ("فيصل", "faySal"), ("فهد", "fahd"),
    ("ناصر", "nāSir"), ("منصور", "manSūr"), ("جمال", "jamāl"), ("كمال", "kamāl"),
    ("عادل", "ʕādil"), ("أمين", "'amīn"), ("أمير", "'amīr"), ("كريم", "karīm"),
    ("رشيد", "raʃīd"), ("مجيد", "majīd"), ("حميد", "ħamīd"), ("نبيل", "nabīl"),
    ("وليد", "walīd"), ("سامي", "sāmī"), ("رامي", "rāmī"), ("هاني", "hānī"), ("فادي", "fādī"),
    ("هادي", "hādī"), ("زياد", "ziyād"), ("زيد", "zayd"), ("عمرو", "ʕamr"),
    ("أسامة", "'usāma@"), ("أنس", "'anas"), ("بلال", "bilāl"), ("جعفر", "jaʕfar"),
    ("ماجد", "mājid"), ("مراد", "murād"), ("ناجي", "nājī"), ("نجيب", "najīb"),
    ("رضا", "riDā"), ("سلمان", "salmān"), ("سلطان", "sulTān"), ("بشير", "baʃīr"),
    ("بشار", "baʃʃār"), ("تامر", "tāmir"), ("سامر", "sāmir"), ("ماهر", "māhir"),
    ("مازن", "māzin"), ("مهدي", "mahdī"), ("مرتضى", "murtaDA"), ("قاسم", "qāsim"),
    ("هشام", "hiʃām"), ("عصام", "ʕiSām"), ("حسام", "ħusām"), ("عماد", "ʕimād"),
    ("إياد", "'iyād"), ("رياض", "riyāD"), ("شريف", "ʃarīf"), ("عثمان", "ʕuθmān"),
    ("غسان", "ɣassān"), ("ثامر", "θāmir"), ("ذياب", "ðiyāb"), ("ظافر", "Zāfir"),
    ("جميل", "jamīl"), ("رجب", "rajab"), ("رمضان", "ramaDān"), ("شاكر", "ʃākir"),
    ("أيمن", "'ayman"), ("أكرم", "'akram"), ("أشرف", "'aʃraf"), ("إدريس", "'idrīs"),
    ("يونس", "yūnus"), ("يعقوب", "yaʕqūb"), ("إلياس", "'ilyās"), ("نواف", "nawwāf"),
    ("تركي", "turkī"), ("بندر", "bandar"), ("سعود", "suʕūd"), ("عدنان", "ʕadnān"),
    ("أدهم", "'adham"), ("هيثم", "hayθam"), ("وائل", "wā'il"), ("نادر", "nādir"),
    ("صابر", "Sābir"), ("جابر", "jābir"), ("حاتم", "ħātim"), ("قصي", "quSayy"),
    ("مالك", "mālik"), ("أنور", "'anwar"), ("شوقي", "ʃawqī"), ("فتحي", "fatħī"),
    ("مجدي", "majdī"), ("حمدي", "ħamdī"), ("رأفت", "ra'fat"), ("عاطف", "ʕāTif"),
    ("عزيز", "ʕazīz"), ("منير", "munīr"),
]  # fmt: skip

FEMALE: list[tuple[str, str]] = [
    ("فاطمة", "fāTima@"), ("عائشة", "ʕā'iʃa@"), ("خديجة", "xadīja@"), ("مريم", "maryam"),
    ("زينب", "zaynab"), ("نور", "nūr"), ("سارة", "sāra@"), ("هدى", "hudA"), ("منى", "munA"),
    ("ليلى", "laylA"), ("سلمى", "salmA"), ("أمينة", "'amīna@"), ("جميلة", "jamīla@"),
    ("كريمة", "karīma@"), ("نبيلة", "nabīla@"), ("سعيدة", "saʕīda@"), ("رشيدة", "raʃīda@"),
    ("حنان", "ħanān"), ("إيمان", "'īmān"), ("أمل", "'amal"), ("رانيا", "rāniyā"),
    ("ريم", "rīm"), ("دينا", "dīnā"), ("هبة", "hiba@"), ("آمنة", "'āmina@"),
    ("حليمة", "ħalīma@"), ("سميرة", "samīra@"), ("نادية", "nādiya@"), ("رقية", "ruqayya@"),
    ("صفية", "Safiyya@"), ("زهراء", "zahrā'"), ("أسماء", "'asmā'"), ("هالة", "hāla@"),
    ("لينا", "līnā"), ("ياسمين", "yāsmīn"), ("شيماء", "ʃaymā'"), ("دعاء", "duʕā'"),
    ("إسراء", "'isrā'"), ("نجلاء", "najlā'"), ("عبير", "ʕabīr"), ("سهام", "sihām"),
    ("وفاء", "wafā'"), ("غادة", "ɣāda@"), ("سعاد", "suʕād"), ("نوال", "nawāl"),
    ("عزيزة", "ʕazīza@"), ("لطيفة", "laTīfa@"), ("منيرة", "munīra@"), ("نورة", "nūra@"),
    ("مها", "mahā"), ("رحاب", "riħāb"), ("رغد", "raɣad"), ("شهد", "ʃahd"), ("ملك", "malak"),
]  # fmt: skip

# (Arabic script, phonemic, has the article al-)
FAMILY: list[tuple[str, str, bool]] = [
    ("التميمي", "tamīmī", True), ("الحربي", "ħarbī", True), ("العتيبي", "ʕutaybī", True),
    ("الشمري", "ʃammarī", True), ("القحطاني", "qaħTānī", True), ("الدوسري", "dawsarī", True),
    ("الزهراني", "zahrānī", True), ("الغامدي", "ɣāmidī", True), ("المطيري", "muTayrī", True),
    ("العنزي", "ʕanazī", True), ("الشهري", "ʃahrī", True), ("الجبوري", "jubūrī", True),
    ("الدليمي", "dulaymī", True), ("العبيدي", "ʕubaydī", True), ("الموسوي", "mūsawī", True),
    ("الحسيني", "ħusaynī", True), ("الهاشمي", "hāʃimī", True), ("القرشي", "quraʃī", True),
    ("المصري", "miSrī", True), ("الشامي", "ʃāmī", True), ("البغدادي", "baɣdādī", True),
    ("الحلبي", "ħalabī", True), ("الدمشقي", "dimaʃqī", True), ("الكردي", "kurdī", True),
    ("التكريتي", "tikrītī", True), ("الراوي", "rāwī", True), ("الطائي", "Tā'ī", True),
    ("الزعبي", "zuʕbī", True), ("الخطيب", "xaTīb", True), ("الخالدي", "xālidī", True),
    ("العمري", "ʕumarī", True), ("القيسي", "qaysī", True), ("الساعدي", "sāʕidī", True),
    ("الربيعي", "rubayʕī", True), ("الكعبي", "kaʕbī", True), ("الأنصاري", "'anSārī", True),
    ("البكري", "bakrī", True), ("الصديقي", "Siddīqī", True), ("الفاسي", "fāsī", True),
    ("الإدريسي", "'idrīsī", True), ("السوداني", "sūdānī", True), ("اليمني", "yamanī", True),
    ("الليبي", "lībī", True), ("العراقي", "ʕirāqī", True), ("الكويتي", "kuwaytī", True),
    ("الأحمد", "'aħmad", True), ("العلي", "ʕalī", True), ("الحسن", "ħasan", True),
    ("المحمد", "muħammad", True), ("الرشيد", "raʃīd", True), ("النجار", "najjār", True),
    ("الحداد", "ħaddād", True), ("الخياط", "xayyāT", True), ("الصباغ", "Sabbāɣ", True),
    ("العطار", "ʕaTTār", True), ("الجزار", "jazzār", True), ("النقيب", "naqīb", True),
    ("الشريف", "ʃarīf", True), ("القاضي", "qāDī", True), ("الأسعد", "'asʕad", True),
    ("الأيوبي", "'ayyūbī", True), ("الجابري", "jābirī", True), ("الزبيدي", "zubaydī", True),
    ("الخزرجي", "xazrajī", True), ("البدري", "badrī", True), ("السامرائي", "sāmarrā'ī", True),
    ("العزاوي", "ʕazzāwī", True), ("الخفاجي", "xafājī", True), ("المالكي", "mālikī", True),
    ("الكبيسي", "kubaysī", True), ("الحمداني", "ħamdānī", True), ("الشيباني", "ʃaybānī", True),
    ("العامري", "ʕāmirī", True), ("السعدي", "saʕdī", True), ("المهيري", "muhayrī", True),
    ("النعيمي", "nuʕaymī", True), ("المنصوري", "manSūrī", True), ("الظاهري", "Zāhirī", True),
    ("البلوشي", "balūʃī", True), ("الفلاسي", "fallāsī", True), ("الشيخ", "ʃayx", True),
    ("العبدالله", "ʕabd allāh", True), ("الزين", "zayn", True), ("الصالح", "Sāliħ", True),
    ("حداد", "ħaddād", False), ("نجار", "najjār", False), ("خياط", "xayyāT", False),
    ("منصور", "manSūr", False), ("صالح", "Sāliħ", False), ("عباس", "ʕabbās", False),
    ("حسين", "ħusayn", False), ("حسن", "ħasan", False), ("إبراهيم", "'ibrāhīm", False),
    ("سليمان", "sulaymān", False), ("يوسف", "yūsuf", False), ("خليل", "xalīl", False),
    ("عثمان", "ʕuθmān", False), ("عيسى", "ʕīsA", False), ("موسى", "mūsA", False),
    ("حمدان", "ħamdān", False), ("سلامة", "salāma@", False), ("بركات", "barakāt", False),
    ("درويش", "darwīʃ", False), ("شاهين", "ʃāhīn", False), ("جابر", "jābir", False),
    ("عواد", "ʕawwād", False), ("نصار", "naSSār", False), ("حمود", "ħammūd", False),
    ("عاشور", "ʕāʃūr", False), ("غانم", "ɣānim", False), ("قاسم", "qāsim", False),
    ("شحادة", "ʃiħāda@", False), ("عودة", "ʕawda@", False), ("مراد", "murād", False),
    ("زيدان", "zaydān", False), ("عبد الله", "ʕabd allāh", False), ("نصر", "naSr", False),
    ("رزق", "rizq", False), ("فرج", "faraj", False), ("عوض", "ʕawaD", False),
]  # fmt: skip

# Popular spellings of the most frequent names (seen on passports and in the press), by style.
# Rules derive the others; these add the irregular forms rules cannot (Mohd, Hocine, Youcef).
POPULAR: dict[str, dict[str, list[str]]] = {
    "muħammad": {
        "english": ["Mohammed", "Mohammad", "Muhammad", "Mohamed", "Muhammed", "Mohamad"],
        "french": ["Mohamed", "Mohammed", "Mohamed"],
        "egyptian": ["Mohamed", "Mohammed", "Mohamed"],
        "malay": ["Mohd", "Muhammad", "Mohamad", "Muhd", "Mohammad", "Muhamad", "Mohd."],
    },
    "'aħmad": {"english": ["Ahmed", "Ahmad"], "french": ["Ahmed"], "egyptian": ["Ahmed"],
               "malay": ["Ahmad"]},
    "ʕalī": {"english": ["Ali", "Aly"], "egyptian": ["Ali", "Aly"]},
    "ħusayn": {"english": ["Hussein", "Hussain", "Husain", "Husayn", "Hossein"],
               "french": ["Hocine", "Houssein", "Hussein"], "egyptian": ["Hussein", "Hussien"],
               "malay": ["Hussain", "Husin", "Hussin", "Husain"]},
    "ħasan": {"english": ["Hassan", "Hasan"], "french": ["Hassan", "Hacene"],
              "malay": ["Hasan", "Hassan"]},
    "ʕumar": {"english": ["Omar", "Umar", "Omer"], "french": ["Omar"], "malay": ["Umar"]},
    "yūsuf": {"english": ["Yusuf", "Youssef", "Yousef", "Yousif", "Yusef"],
              "french": ["Youssef", "Youcef"], "egyptian": ["Youssef", "Yousef"],
              "malay": ["Yusof", "Yusuf", "Yussof"]},
    "'ibrāhīm": {"english": ["Ibrahim", "Ebrahim"], "french": ["Ibrahim", "Brahim"]},
    "muSTafA": {"english": ["Mustafa", "Mostafa", "Moustafa", "Mustapha"],
                "french": ["Mustapha", "Moustafa"], "egyptian": ["Mostafa", "Moustafa"],
                "malay": ["Mustafa", "Mustapha"]},
    "maħmūd": {"english": ["Mahmoud", "Mahmud", "Mahmood"], "malay": ["Mahmud", "Mahmood"]},
    "ʕabd allāh": {"english": ["Abdullah", "Abdallah", "Abdulla", "Abd Allah"],
                   "french": ["Abdellah", "Abdallah"], "egyptian": ["Abdallah", "Abdullah"],
                   "malay": ["Abdullah"]},
    "xālid": {"english": ["Khalid", "Khaled"], "egyptian": ["Khaled"], "french": ["Khaled"]},
    "Sāliħ": {"english": ["Saleh", "Salih"], "french": ["Saleh", "Salih"], "malay": ["Salleh"]},
    "saʕīd": {"english": ["Saeed", "Said", "Saied"], "french": ["Saïd", "Said"],
              "egyptian": ["Saeed", "Said"], "malay": ["Saiid", "Said"]},
    "'ismāʕīl": {"english": ["Ismail", "Ismael", "Esmail"], "malay": ["Ismail"]},
    "sulaymān": {"english": ["Sulaiman", "Suleiman", "Sulayman"], "french": ["Slimane"],
                 "egyptian": ["Soliman", "Suleiman"], "malay": ["Sulaiman"]},
    "ʕuθmān": {"english": ["Othman", "Uthman", "Osman"], "french": ["Othmane", "Athmane"],
               "malay": ["Othman", "Osman"]},
    "faySal": {"english": ["Faisal", "Faysal", "Feisal"], "malay": ["Faisal"]},
    "ʕā'iʃa@": {"english": ["Aisha", "Aysha", "Ayesha"], "french": ["Aïcha", "Aicha"],
                "malay": ["Aishah", "Aisyah"]},
    "fāTima@": {"english": ["Fatima", "Fatimah"], "french": ["Fatima", "Fatma"],
                "egyptian": ["Fatma", "Fatima"], "malay": ["Fatimah"]},
    "zaynab": {"english": ["Zainab", "Zaynab", "Zeinab"], "egyptian": ["Zeinab"],
               "malay": ["Zainab"]},
    "nūr": {"english": ["Nour", "Noor", "Nur"], "malay": ["Nur", "Nor", "Noor"]},
    "jamāl": {"egyptian": ["Gamal"], "french": ["Djamel", "Djamal"]},
    "'amīn": {"english": ["Amin", "Ameen"], "french": ["Amine"]},
    "ʕabd al-qādir": {"french": ["Abdelkader", "Abdelkadir"],
                      "english": ["Abdulqadir", "Abdul Qadir", "Abdelkader"]},
}  # fmt: skip

# Distinct names whose spellings lie close together: a pair is two DIFFERENT names
NEAR_GIVEN: list[tuple[str, str]] = [
    ("'amīn", "'amīr"), ("jamāl", "kamāl"), ("xālid", "walīd"), ("rāmī", "sāmī"),
    ("hādī", "fādī"), ("hānī", "hādī"), ("ziyād", "zayd"), ("baʃīr", "baʃʃār"),
    ("ħasan", "ħusayn"), ("nabīl", "jamīl"), ("tāmir", "θāmir"), ("sāmir", "tāmir"),
    ("majdī", "ħamdī"), ("fatħī", "ħamdī"), ("mājid", "jābir"), ("sulaymān", "salmān"),
    ("'ayman", "'akram"), ("'aʃraf", "'akram"), ("ħamīd", "majīd"), ("karīm", "raħīm"),
    ("munA", "hudA"), ("salmA", "laylA"), ("'amīna@", "'āmina@"), ("nādiya@", "hāla@"),
    ("samīra@", "munīra@"), ("karīma@", "jamīla@"), ("nabīla@", "jamīla@"),
]  # fmt: skip
NEAR_FAMILY: list[tuple[str, str]] = [
    ("ħaddād", "ħammūd"), ("najjār", "naSSār"), ("xaTīb", "xalīl"), ("hāʃimī", "quraʃī"),
    ("ħarbī", "ʃahrī"), ("jubūrī", "zubaydī"), ("ʕumarī", "ʕāmirī"), ("saʕdī", "sāʕidī"),
    ("xālidī", "jābirī"), ("mālikī", "manSūrī"), ("bakrī", "badrī"), ("rāwī", "ʕazzāwī"),
]  # fmt: skip
# masculine name -> its feminine counterpart (a brother and sister, or gender confusion)
GENDER_COUNTERPART = {
    "'amīn": "'amīna@", "jamīl": "jamīla@", "karīm": "karīma@", "saʕīd": "saʕīda@",
    "nabīl": "nabīla@", "raʃīd": "raʃīda@", "ʕazīz": "ʕazīza@", "munīr": "munīra@",
}  # fmt: skip
