// Written by Scripts/embed-config.py from Config/; do not edit by hand (a test compares the two).

extension BuiltIn {
    /// The files of `Config/` the binary carries, by their path in that folder.
    static let files: [String: String] = [
        "default.yaml": #"""
            # The embedded default: the Paris node on https://127.0.0.1:8443, data in ./.tandem/paris.
            # Every key is documented in Config/README.md; environment variables (HTTP_PORT=9000) and
            # command-line flags (--port 9000) override it.
            node:
              slug: paris
              lab: La Transfo, Ville de Paris
              city: Paris
              country: FR
            http:
              host: 127.0.0.1
              port: 8443
              maxBodySize: 1048576
              idleTimeout: 30
              requestTimeout: 30
            data:
              dir: ./.tandem/paris
            samples:
              file: samples/paris.jsonl
            log:
              level: info
            """#,
        "mexico-city.yaml": #"""
            # The Mexico City lab (Laboratorio para la Ciudad), Paris' tandem partner.
            node:
              slug: mexico-city
              lab: Laboratorio para la Ciudad
              city: Ciudad de México
              country: MX
            http:
              host: 127.0.0.1
              port: 8444
            data:
              dir: ./.tandem/mexico-city
            samples:
              file: samples/mexico-city.jsonl
            log:
              level: info
            """#,
        "rennes.yaml": #"""
            # Rennes, one of the French cities of La 27e Région's peer-learning cohort.
            node:
              slug: rennes
              lab: Laboratoire d'innovation publique de Rennes
              city: Rennes
              country: FR
            http:
              host: 127.0.0.1
              port: 8445
            data:
              dir: ./.tandem/rennes
            samples:
              file: samples/rennes.jsonl
            log:
              level: info
            # Rennes pulls from Paris only: it learns the other members' records through Paris (relayed,
            # still checked against each origin's key).
            sync:
              peers: paris
            """#,
        "samples/paris.jsonl": #"""
            {"type": "Practice", "id": "6f1c2a10-3b4d-4e5f-8a9b-0c1d2e3f4a01", "visibility": "public", "content": {"title": "Les ateliers mensuels de La Transfo", "summary": "Chaque mois, une vingtaine d'agents volontaires de la Ville se retrouvent deux à trois jours avec l'équipe de La 27e Région pour travailler un sujet concret avec les méthodes du design des politiques publiques.", "language": "fr", "lab": "La Transfo, Ville de Paris", "city": "Paris", "country": "FR", "methods": ["co-design", "immersion", "prototyping"], "policyAreas": ["public-innovation", "civil-service-training"], "tags": ["la-transfo", "agents-volontaires"], "whenToUse": "Pour diffuser une culture de l'expérimentation dans une administration, en partant de problèmes que les agents connaissent.", "steps": ["Choisir un thème porté par une direction de la Ville", "Réunir les agents volontaires deux à trois jours par mois", "Alterner terrain, idéation et prototypage", "Publier les résultats de chaque atelier"], "description": "Le programme La Transfo, piloté par le Secrétariat général avec l'association La 27e Région, a réuni vingt agents aux profils variés pendant dix-huit mois. Il a servi de préfiguration au laboratoire d'innovation interne de la Ville.", "adaptedFrom": [{"origin": "mexico-city", "id": "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e01"}]}}
            {"type": "Practice", "id": "6f1c2a10-3b4d-4e5f-8a9b-0c1d2e3f4a02", "visibility": "public", "content": {"title": "Immersion et observation de terrain", "summary": "Passer du temps là où le service est rendu (guichets, bibliothèques, rues) pour observer les usagers et les agents avant de proposer quoi que ce soit.", "language": "fr", "lab": "La Transfo, Ville de Paris", "city": "Paris", "country": "FR", "methods": ["immersion", "observation", "interviews"], "policyAreas": ["public-innovation"], "whenToUse": "Au début d'un projet, quand le problème est mal connu ou vu seulement depuis les bureaux.", "steps": ["Définir les lieux et les moments à observer", "Observer sans intervenir et prendre des notes datées", "Mener des entretiens courts avec usagers et agents", "Restituer les constats en atelier avant toute solution"]}}
            {"type": "Practice", "id": "6f1c2a10-3b4d-4e5f-8a9b-0c1d2e3f4a03", "visibility": "public", "content": {"title": "Rapid prototyping of public services", "summary": "Build cheap, testable versions of a new service (paper forms, role plays, mock-up screens) and try them with residents and staff within days.", "language": "en", "lab": "La Transfo, Ville de Paris", "city": "Paris", "country": "FR", "methods": ["prototyping", "user-testing"], "policyAreas": ["public-innovation"], "whenToUse": "Once a problem is understood and several ideas compete: test them before any procurement.", "steps": ["Pick the riskiest assumption", "Make the simplest prototype that tests it", "Test with five to ten users", "Keep, change or drop the idea"]}}
            {"type": "Practice", "id": "6f1c2a10-3b4d-4e5f-8a9b-0c1d2e3f4a04", "visibility": "public", "content": {"title": "Consultation trimestrielle de la communauté open data", "summary": "Tous les trois mois, la Ville consulte les habitants et la communauté open data pour choisir ensemble les jeux de données à ouvrir en priorité.", "language": "fr", "lab": "Ville de Paris", "city": "Paris", "country": "FR", "methods": ["public-consultation"], "policyAreas": ["open-data", "participation"], "tags": ["ogp"], "steps": ["Publier la liste des jeux de données candidats", "Recueillir les votes et les demandes", "Annoncer le calendrier d'ouverture", "Rendre compte de ce qui a été ouvert"]}}
            {"type": "Practice", "id": "6f1c2a10-3b4d-4e5f-8a9b-0c1d2e3f4a05", "visibility": "cohort", "content": {"title": "Apprentissage entre pairs dans une cohorte de villes", "summary": "Des villes qui innovent échangent leurs méthodes, leurs échecs et leurs résultats de pair à pair, avec une formation et un appui technique communs.", "language": "fr", "lab": "La 27e Région", "country": "FR", "methods": ["peer-learning"], "policyAreas": ["public-innovation"], "tags": ["bloomberg-philanthropies", "tandem"], "description": "Avec le soutien de Bloomberg Philanthropies (1,4 million de dollars), La 27e Région accompagne dix villes françaises, dont Paris, dans un apprentissage de pair à pair. Le tandem Paris–Mexico en est un autre exemple."}}
            {"type": "CaseStudy", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01", "visibility": "public", "content": {"title": "Résilience lors des vagues de chaleur", "summary": "Un atelier de La Transfo a co-conçu avec des agents des solutions pour mieux protéger les habitants pendant les épisodes de canicule.", "language": "fr", "lab": "La Transfo, Ville de Paris", "city": "Paris", "country": "FR", "status": "prototype", "methods": ["co-design", "prototyping"], "policyAreas": ["climate-adaptation", "public-health"], "tags": ["canicule", "résilience"], "problem": "Les vagues de chaleur touchent d'abord les personnes isolées, que les services ne savent pas toujours repérer à temps.", "approach": "Séances d'idéation rapide pendant la création du laboratoire, puis prototypes de dispositifs de repérage et d'accueil au frais.", "lessonsLearned": "Partir des agents de terrain fait émerger des solutions simples que les plans existants ignoraient.", "period": {"start": "2018"}, "partners": ["La 27e Région"]}}
            {"type": "CaseStudy", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c02", "visibility": "public", "content": {"title": "Médiation numérique dans les bibliothèques", "summary": "Prototyper un accompagnement des usagers éloignés du numérique dans les bibliothèques de la Ville, avec les bibliothécaires.", "language": "fr", "lab": "La Transfo, Ville de Paris", "city": "Paris", "country": "FR", "status": "prototype", "methods": ["immersion", "co-design", "prototyping"], "policyAreas": ["digital-inclusion", "culture"], "tags": ["bibliothèques", "médiation"], "problem": "De plus en plus de démarches passent par internet, et une partie des usagers vient chercher de l'aide en bibliothèque sans que l'accueil y soit préparé.", "approach": "Immersion dans des bibliothèques, ateliers avec les agents, puis prototypes d'accueil et de permanences.", "period": {"start": "2018"}}}
            {"type": "CaseStudy", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c03", "visibility": "public", "content": {"title": "Améliorer la Carte Citoyenne de Paris", "summary": "Premier sujet de La Transfo : comprendre comment les Parisiens utilisent la Carte Citoyenne et proposer des améliorations, présentées le 18 janvier.", "language": "fr", "lab": "La Transfo, Ville de Paris", "city": "Paris", "country": "FR", "status": "implemented", "methods": ["interviews", "observation", "co-design"], "policyAreas": ["participation", "citizenship"], "tags": ["carte-citoyenne", "la-transfo"], "problem": "La carte, pensée pour rapprocher les habitants de la vie de la cité, ne répondait pas à toutes les attentes de ses utilisateurs.", "approach": "Entretiens avec des détenteurs de la carte, observation des usages, ateliers de redesign avec les agents volontaires.", "results": "Des pistes d'amélioration du fonctionnement de la carte, présentées le 18 janvier aux directions concernées.", "period": {"start": "2016-11", "end": "2017-01-18"}, "participants": 20, "partners": ["La 27e Région"]}}
            {"type": "CaseStudy", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c04", "visibility": "public", "content": {"title": "Hackathon for jobs", "summary": "During Public Innovation Week, Paris' first jobs hackathon brought 250 participants together for two days to tackle challenges of the Parisian labour market.", "language": "en", "lab": "Direction de l'Attractivité et de l'Emploi", "city": "Paris", "country": "FR", "status": "implemented", "methods": ["hackathon", "public-consultation"], "policyAreas": ["employment"], "tags": ["semaine-innovation-publique"], "problem": "Job seekers and local recruiters in the same neighbourhoods rarely meet.", "approach": "Themes set beforehand through a workshop and a consultation on idee.paris; apprentice developers, designers, job seekers and entrepreneurs built solutions in teams.", "results": "Winning projects included a neighbourhood job-matching app, mentoring for job seekers and a precise job board; the winner, connecting people changing careers with those who had done it, received support.", "participants": 250, "period": {"start": "2017"}}}
            {"type": "CaseStudy", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c05", "visibility": "public", "content": {"title": "DansMaRue : signaler et co-construire l'espace public", "summary": "La nouvelle version de l'application DansMaRue permet toujours de signaler une anomalie dans la rue, et aussi de participer à des campagnes de consultation sur de futurs aménagements.", "language": "fr", "lab": "Ville de Paris", "city": "Paris", "country": "FR", "status": "implemented", "methods": ["crowdsourcing"], "policyAreas": ["participation", "public-space"], "tags": ["dansmarue", "mobile"], "approach": "Production participative mobile et géolocalisée, en complément de la plateforme idee.paris.", "period": {"start": "2017"}}}
            {"type": "CaseStudy", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c06", "visibility": "cohort", "content": {"title": "Un budget participatif plus inclusif dans les quartiers populaires", "summary": "Des associations et des étudiants vont à la rencontre des habitants des quartiers populaires pour qu'ils proposent des projets au budget participatif.", "language": "fr", "lab": "Ville de Paris", "city": "Paris", "country": "FR", "status": "pilot", "methods": ["outreach", "co-design"], "policyAreas": ["participation", "social-inclusion"], "tags": ["budget-participatif", "ogp"], "problem": "Les habitants des quartiers populaires et les publics prioritaires proposent et votent moins que les autres.", "lessonsLearned": "Aller vers les habitants compte plus que les outils en ligne.", "period": {"start": "2017"}}}
            {"type": "Translation", "id": "6f1c2a10-3b4d-4e5f-8a9b-0c1d2e3f4b01", "visibility": "public", "content": {"translationOf": {"origin": "mexico-city", "id": "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e03", "version": 1}, "language": "fr", "title": "Participation citoyenne à la conception des services", "summary": "Des ateliers ouverts où les habitantes et les habitants co-conçoivent avec l'administration des services de la ville et testent des prototypes."}}
            """#,
        "samples/mexico-city.jsonl": #"""
            {"type": "Practice", "id": "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e01", "visibility": "public", "content": {"title": "Laboratorio como espacio abierto de experimentación", "summary": "Un laboratorio de gobierno que prueba nuevas formas de diseñar políticas públicas con la ciudadanía y forma a servidores públicos en métodos de diseño.", "language": "es", "lab": "Laboratorio para la Ciudad", "city": "Ciudad de México", "country": "MX", "methods": ["co-design", "prototyping"], "policyAreas": ["public-innovation", "participation"], "whenToUse": "Cuando una ciudad quiere experimentar fuera de los circuitos cerrados de la administración."}}
            {"type": "CaseStudy", "id": "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e02", "visibility": "public", "content": {"title": "Tándem París–Ciudad de México", "summary": "Intercambio entre pares con la Ville de Paris, que se inspiró en el laboratorio de la Ciudad de México para crear su propio laboratorio de innovación.", "language": "es", "lab": "Laboratorio para la Ciudad", "city": "Ciudad de México", "country": "MX", "status": "implemented", "methods": ["peer-learning"], "policyAreas": ["public-innovation"], "tags": ["tandem"], "partners": ["Ville de Paris"], "period": {"start": "2017"}}}
            {"type": "CaseStudy", "id": "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e03", "visibility": "public", "content": {"title": "Participación ciudadana en el diseño de servicios", "summary": "Talleres abiertos donde vecinas y vecinos co-diseñan con el gobierno servicios de la ciudad y prueban prototipos.", "language": "es", "lab": "Laboratorio para la Ciudad", "city": "Ciudad de México", "country": "MX", "status": "pilot", "methods": ["co-design", "user-testing"], "policyAreas": ["participation"]}}
            {"type": "Translation", "id": "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9f01", "visibility": "public", "content": {"translationOf": {"origin": "paris", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01", "version": 1}, "language": "es", "title": "Resiliencia ante las olas de calor", "summary": "Un taller de La Transfo co-diseñó con servidores públicos soluciones para proteger mejor a la población durante los episodios de calor extremo.", "problem": "Las olas de calor afectan primero a las personas aisladas, que los servicios no siempre logran identificar a tiempo.", "approach": "Sesiones rápidas de ideación durante la creación del laboratorio, y luego prototipos para identificar a las personas en riesgo y recibirlas en lugares frescos.", "lessonsLearned": "Partir del personal de campo hace surgir soluciones sencillas que los planes existentes ignoraban."}}
            {"type": "CaseStudy", "id": "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e04", "visibility": "public", "content": {"title": "Hackatón por el empleo en las colonias", "summary": "Tras el tándem con París, el Laboratorio para la Ciudad retomó el hackatón por el empleo de la Semana de la Innovación Pública para acercar a quienes buscan trabajo y a los empleadores de cada colonia.", "language": "es", "lab": "Laboratorio para la Ciudad", "city": "Ciudad de México", "country": "MX", "status": "pilot", "methods": ["hackathon", "co-design"], "policyAreas": ["employment"], "approach": "Se tomaron de París la consulta previa para fijar los retos y los equipos mixtos; se añadieron mesas en los mercados de cada colonia.", "adaptedFrom": [{"origin": "paris", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c04"}]}}
            """#,
        "samples/rennes.jsonl": #"""
            {"type": "CaseStudy", "id": "8e3f4a50-2b3c-4d4e-8f5a-6b7c8d9e0f01", "visibility": "public", "content": {"title": "Hackathon sur les données des contrats ouverts", "summary": "Un hackathon sur les données de la commande publique, organisé avec le conseil régional de Bretagne et l'association Breizh Small Business Act.", "language": "fr", "lab": "Laboratoire d'innovation publique de Rennes", "city": "Rennes", "country": "FR", "status": "implemented", "methods": ["hackathon"], "policyAreas": ["open-data", "public-procurement"], "partners": ["SGMAP", "Conseil régional de Bretagne", "Breizh Small Business Act"], "adaptedFrom": [{"origin": "mexico-city", "id": "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e04"}]}}
            {"type": "Practice", "id": "8e3f4a50-2b3c-4d4e-8f5a-6b7c8d9e0f02", "visibility": "public", "content": {"title": "Tester une idée avec les usagers avant de la généraliser", "summary": "Une démarche en petits pas : tester un service sur un quartier ou une équipe, mesurer, puis décider de l'étendre.", "language": "fr", "lab": "Laboratoire d'innovation publique de Rennes", "city": "Rennes", "country": "FR", "methods": ["prototyping", "user-testing"], "policyAreas": ["public-innovation"]}}
            """#,
    ]
}
