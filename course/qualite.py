"""Qualité des images générées : classifieur du cours, distance de Fréchet au carré (d²),
histogramme des classes, diversité dans chaque classe.

Introduit dans ``05_gan`` et utilisé par ``benchmarks/gan_vae.py``. Un petit réseau convolutif,
entraîné par le code du cours sur Fashion-MNIST, sert de juge :

- sa couche dense avant-dernière (128 neurones ReLU) donne les *caractéristiques* d'une image ;
  la distance de Fréchet compare deux nuages de caractéristiques résumés chacun par une loi
  normale (moyenne et covariance) : 0 pour deux nuages identiques, grande quand les images
  générées ne ressemblent pas aux vraies ;
- ses prédictions donnent l'histogramme des classes des images générées : un générateur qui
  n'en produit que quelques-unes (effondrement des modes) s'y voit tout de suite ;
- un histogramme équilibré n'exclut pas un effondrement *dans* une classe (toujours les mêmes
  baskets) : ``diversite_par_classe`` compare, classe par classe, la distance moyenne au plus
  proche voisin parmi les images générées et parmi autant d'images réelles.

Ce n'est pas la FID des articles (caractéristiques d'Inception sur ImageNet) : les valeurs ne sont
comparables qu'entre elles, avec le même classifieur et le même nombre d'images.

Toutes les images données à ce module sont des float32 dans [0, 1], de forme ``(n, 28, 28, 1)``
(``(n, 28, 28)`` est accepté) ; les sorties tanh d'un générateur, dans [−1, 1], se ramènent à
[0, 1] par ``(x + 1) / 2``. Usage ::

    from course import entrainement, qualite
    suivi = entrainement.Suivi(tailles, "classifieur", epoques=4, part=0.5)  # facultatif
    clf = qualite.Classifieur.charger_ou_entrainer(x_train, y_train, epoques=4, suivi=suivi)
    print(f"exactitude sur le test : {clf.exactitude(x_test, y_test):.1%}")
    d2 = qualite.distance_frechet(clf.caracteristiques(x_test), clf.caracteristiques(generees))
"""

import hashlib
import math
import os
import pathlib
import time

import numpy as np

from course import voisins

N_CLASSES = 10
N_CARACTERISTIQUES = 128
VERSION = 1  # à augmenter quand l'architecture ou l'entraînement change : invalide les caches
DOSSIER_CACHE = pathlib.Path.home() / ".cache" / "autoencodeurs"
_COUCHE_CARACTERISTIQUES = "caracteristiques"
_TAILLE_PREDICTION = 1000


def _images(images):
    """Vérifie et renvoie ``images`` en float32 ``(n, 28, 28, 1)`` ; message français sinon."""
    tableau = np.asarray(images, dtype=np.float32)
    if tableau.ndim == 3 and tableau.shape[1:] == (28, 28):
        tableau = tableau[..., None]
    if tableau.ndim != 4 or tableau.shape[1:] != (28, 28, 1):
        raise ValueError(
            f"Images de forme {np.shape(images)} : le classifieur attend (n, 28, 28, 1) ou (n, 28, 28)."
        )
    if len(tableau) and (tableau.min() < -0.01 or tableau.max() > 1.01):
        raise ValueError(
            f"Images hors de [0, 1] (min {tableau.min():.2f}, max {tableau.max():.2f}) : divisez les "
            "uint8 par 255, et ramenez les sorties tanh d'un générateur à [0, 1] par (x + 1) / 2."
        )
    return tableau


def _etiquettes(y, n):
    """Vérifie et renvoie les étiquettes ``y`` en int32 ``(n,)``, valeurs dans 0..9."""
    etiquettes = np.asarray(y).astype(np.int64).reshape(-1)
    if len(etiquettes) != n:
        raise ValueError(f"{n} images mais {len(etiquettes)} étiquettes.")
    if len(etiquettes) and (etiquettes.min() < 0 or etiquettes.max() >= N_CLASSES):
        raise ValueError(f"Les étiquettes doivent être des entiers de 0 à {N_CLASSES - 1}.")
    return etiquettes.astype(np.int32)


def construire_reseau():
    """Le réseau du classifieur : ``(n, 28, 28, 1)`` → 10 logits.

    Conv 32 (3×3) + MaxPooling, Conv 64 (3×3) + MaxPooling, Dropout 0,3, Dense 128 ReLU (la
    couche ``caracteristiques``), Dense 10 (logits).
    """
    import keras

    couches = keras.layers
    entree = keras.Input(shape=(28, 28, 1))
    h = couches.Conv2D(32, 3, padding="same", activation="relu")(entree)  # 28 × 28 × 32
    h = couches.MaxPooling2D()(h)  # 14 × 14 × 32
    h = couches.Conv2D(64, 3, padding="same", activation="relu")(h)  # 14 × 14 × 64
    h = couches.MaxPooling2D()(h)  # 7 × 7 × 64
    h = couches.Dropout(0.3)(couches.Flatten()(h))  # 3136
    h = couches.Dense(N_CARACTERISTIQUES, activation="relu", name=_COUCHE_CARACTERISTIQUES)(h)
    return keras.Model(entree, couches.Dense(N_CLASSES, name="logits")(h), name="classifieur")


class Classifieur:
    """Un classifieur Fashion-MNIST entraîné, et l'extracteur de ses 128 caractéristiques."""

    def __init__(self, reseau):
        import keras

        self.reseau = reseau
        couche = reseau.get_layer(_COUCHE_CARACTERISTIQUES)
        self._extracteur = keras.Model(reseau.inputs, couche.output)

    @classmethod
    def entrainer(cls, x, y, epoques, taille_lot=128, graine=0, suivi=None):
        """Entraîne le réseau sur ``x`` ``(n, 28, 28, 1)`` dans [0, 1] et ``y`` ``(n,)`` (0..9).

        Adam, taux d'apprentissage 2·10⁻³ décroissant en cosinus jusqu'à 0 sur les ``epoques``,
        lots de ``taille_lot``, graine ``graine`` (fixe aussi les graines globales de Keras).
        Sur les 60 000 images, 4 époques donnent environ 91 % d'exactitude sur le test, en moins
        d'une minute sur 2 cœurs.

        ``suivi`` : un ``course.entrainement.Suivi`` prévu pour ``epoques`` époques ; l'entraînement
        passe alors par ses rappels (limite de temps du budget ``complet``, barre de progression)
        et finit par son bilan en une ligne ; ``suivi.limite.arrete`` dit ensuite si la limite de
        temps l'a arrêté avant ses époques. Sans ``suivi`` : pas de limite, une ligne par époque.
        """
        import keras

        x = _images(x)
        y = _etiquettes(y, len(x))
        if len(x) == 0 or epoques < 1:
            raise ValueError("Il faut au moins une image et une époque pour entraîner le classifieur.")
        if suivi is not None and suivi.epoques != epoques:
            raise ValueError(f"Le suivi prévoit {suivi.epoques} époque(s), le classifieur {epoques} : "
                             "créez-le avec entrainement.Suivi(tailles, nom, epoques=epoques).")
        keras.utils.set_random_seed(graine)
        reseau = construire_reseau()
        pas = epoques * math.ceil(len(x) / taille_lot)
        reseau.compile(
            optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, pas)),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        print(f"Entraînement du classifieur : {len(x)} images, {epoques} époque(s)…", flush=True)
        if suivi is None:
            debut = time.perf_counter()
            reseau.fit(x, y, batch_size=taille_lot, epochs=epoques, shuffle=True, verbose=2)
            print(f"Classifieur entraîné en {time.perf_counter() - debut:.0f} s.", flush=True)
        else:
            reseau.fit(x, y, batch_size=taille_lot, epochs=epoques, shuffle=True,
                       callbacks=suivi.rappels(), verbose=0)
            suivi.bilan()
        return cls(reseau)

    @classmethod
    def charger_ou_entrainer(cls, x, y, epoques, taille_lot=128, graine=0, cache=None, suivi=None):
        """Comme ``entrainer``, mais réutilise le modèle enregistré pour les mêmes données,
        époques, taille de lot et graine s'il existe (dans ``cache``, par défaut
        ``~/.cache/autoencodeurs/``) ; sinon entraîne (par ``suivi`` s'il est donné : limite de
        temps, barre, bilan) et l'enregistre. Un classifieur arrêté par la limite de temps du
        ``suivi`` avant ses époques n'est pas enregistré : il a moins appris que celui que le nom du
        fichier promet, et l'exécution suivante l'entraîne de nouveau. Un fichier illisible
        (corrompu, tronqué) est signalé en français puis remplacé par un nouvel entraînement."""
        chemin = chemin_cache(x, y, epoques, taille_lot, graine, cache)
        if chemin.exists():
            try:
                classifieur = cls.charger(chemin)
            except Exception as erreur:  # fichier tronqué, corrompu, d'une autre version de Keras
                print(f"Le classifieur enregistré {chemin} est illisible ({type(erreur).__name__}) : "
                      "nouvel entraînement.", flush=True)
            else:
                print(f"Classifieur rechargé depuis {chemin}.", flush=True)
                return classifieur
        classifieur = cls.entrainer(x, y, epoques, taille_lot=taille_lot, graine=graine, suivi=suivi)
        if suivi is not None and suivi.limite.arrete:
            print("Classifieur arrêté par la limite de temps : il n'est pas enregistré, la prochaine "
                  "exécution l'entraînera de nouveau.", flush=True)
            return classifieur
        try:
            classifieur.enregistrer(chemin)
        except OSError as erreur:
            print(f"Impossible d'enregistrer le classifieur dans {chemin} ({erreur}) : "
                  "il sera réentraîné la prochaine fois.", flush=True)
        return classifieur

    @classmethod
    def charger(cls, chemin):
        """Recharge un classifieur enregistré par ``enregistrer`` (fichier ``.keras``)."""
        import keras

        reseau = keras.saving.load_model(chemin, compile=False)
        if tuple(reseau.output_shape) != (None, N_CLASSES):
            raise ValueError(f"{chemin} ne contient pas un classifieur à {N_CLASSES} classes.")
        return cls(reseau)

    def enregistrer(self, chemin):
        """Enregistre le réseau dans ``chemin`` (``.keras``), par un fichier temporaire renommé :
        un autre processus ne lit jamais un fichier à moitié écrit."""
        chemin = pathlib.Path(chemin)
        chemin.parent.mkdir(parents=True, exist_ok=True)
        temporaire = chemin.with_name(f".{chemin.stem}-{os.getpid()}.keras")
        try:
            self.reseau.save(temporaire)
            os.replace(temporaire, chemin)
        finally:
            temporaire.unlink(missing_ok=True)

    def logits(self, images):
        """Logits ``(n, 10)`` float32 des ``images`` ``(n, 28, 28, 1)`` dans [0, 1]."""
        return self.reseau.predict(_images(images), batch_size=_TAILLE_PREDICTION, verbose=0)

    def classes(self, images):
        """Classe prédite ``(n,)`` (entiers 0..9, indices dans ``donnees.NOMS_CLASSES``)."""
        return np.argmax(self.logits(images), axis=1).astype(int)

    def exactitude(self, x, y):
        """Proportion (dans [0, 1]) des images ``x`` dont la classe prédite est l'étiquette ``y``."""
        x = _images(x)
        return float(np.mean(self.classes(x) == _etiquettes(y, len(x))))

    def caracteristiques(self, images):
        """Caractéristiques ``(n, 128)`` float64 : la couche dense avant-dernière (ReLU)."""
        sortie = self._extracteur.predict(_images(images), batch_size=_TAILLE_PREDICTION, verbose=0)
        return np.asarray(sortie, dtype=np.float64)


def chemin_cache(x, y, epoques, taille_lot=128, graine=0, cache=None):
    """Chemin du fichier ``.keras`` d'un classifieur entraîné sur ``(x, y)`` avec ces réglages.

    Le nom contient les tailles, les époques, la graine, la version du réseau et une empreinte
    des données (deux sous-ensembles de même taille ne partagent pas leur modèle). L'empreinte
    est prise sur les images ramenées à leurs 256 niveaux de gris : ``x / 255`` et
    ``(x / 127.5 − 1 + 1) / 2``, égaux aux arrondis près, partagent le même modèle.
    """
    x = _images(x)
    y = _etiquettes(y, len(x))
    niveaux = np.clip(np.rint(x * 255), 0, 255).astype(np.uint8)
    empreinte = hashlib.sha256(niveaux.tobytes())
    empreinte.update(y.tobytes())
    nom = (f"classifieur-v{VERSION}-n{len(x)}-e{epoques}-l{taille_lot}-g{graine}-"
           f"{empreinte.hexdigest()[:12]}.keras")
    return pathlib.Path(cache if cache is not None else DOSSIER_CACHE) / nom


def distance_frechet(caract_a, caract_b):
    """**Carré** d² de la distance de Fréchet entre deux nuages de caractéristiques ``(n_a, d)``
    et ``(n_b, d)`` (comme la FID, qui est elle aussi un carré).

    Chaque nuage est résumé par sa moyenne μ et sa covariance Σ ; d² (le carré de la distance de
    Wasserstein-2, ou de Fréchet, entre les deux lois normales) vaut
    ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a Σ_b)^{1/2}) ≥ 0.
    La trace de la racine se calcule sans SciPy : Tr((Σ_a Σ_b)^{1/2}) est la somme des racines
    des valeurs propres de la matrice symétrique Σ_a^{1/2} Σ_b Σ_a^{1/2} (``np.linalg.eigh``).
    Renvoie un float.
    """
    a = np.asarray(caract_a, dtype=np.float64)
    b = np.asarray(caract_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"Formes {a.shape} et {b.shape} : attendu (n_a, d) et (n_b, d), même d.")
    if len(a) < 2 or len(b) < 2:
        raise ValueError("Il faut au moins deux échantillons par nuage pour estimer une covariance.")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    sigma_a = np.atleast_2d(np.cov(a, rowvar=False))
    sigma_b = np.atleast_2d(np.cov(b, rowvar=False))
    valeurs, vecteurs = np.linalg.eigh(sigma_a)
    racine_a = (vecteurs * np.sqrt(np.clip(valeurs, 0, None))) @ vecteurs.T
    produit = racine_a @ sigma_b @ racine_a
    valeurs_produit = np.linalg.eigvalsh((produit + produit.T) / 2)
    trace_racine = np.sum(np.sqrt(np.clip(valeurs_produit, 0, None)))
    distance = np.sum((mu_a - mu_b) ** 2) + np.trace(sigma_a) + np.trace(sigma_b) - 2 * trace_racine
    return float(max(distance, 0.0))


def proportions_classes(classes, n_classes=N_CLASSES):
    """Part de chaque classe ``(n_classes,)`` (somme 1) parmi les classes prédites ``(n,)``."""
    classes = np.asarray(classes).astype(np.int64).reshape(-1)
    if len(classes) == 0:
        raise ValueError("Aucune classe : impossible de calculer des proportions.")
    if classes.min() < 0 or classes.max() >= n_classes:
        raise ValueError(f"Les classes doivent être des entiers de 0 à {n_classes - 1}.")
    return np.bincount(classes, minlength=n_classes) / len(classes)


def kl_uniforme(proportions):
    """Divergence KL(p ‖ uniforme) = Σ p_k log(K p_k), en nats (0 log 0 = 0).

    0 quand chaque classe a sa part 1/K ; log K (2,30 pour 10 classes) quand une seule classe
    est générée : une mesure de l'effondrement des modes.
    """
    p = np.asarray(proportions, dtype=np.float64).reshape(-1)
    if np.any(p < 0) or not np.isclose(p.sum(), 1.0):
        raise ValueError("Les proportions doivent être positives et de somme 1.")
    presentes = p > 0
    return float(max(np.sum(p[presentes] * np.log(len(p) * p[presentes])), 0.0))


def afficher_histogrammes(proportions_reelles, proportions_generees,
                          titres=("Images réelles", "Images générées")):
    """Deux histogrammes de classes côte à côte (noms français), la part uniforme 1/10 en
    pointillés et la KL à l'uniforme dans chaque titre. Renvoie la figure matplotlib."""
    import matplotlib.pyplot as plt

    from course.donnees import NOMS_CLASSES

    figure, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
    for axe, proportions, titre in zip(axes, (proportions_reelles, proportions_generees), titres):
        p = np.asarray(proportions, dtype=np.float64).reshape(-1)
        axe.bar(range(len(p)), p, color="#4a6fa5")
        axe.axhline(1 / len(p), color="gray", linestyle="--", linewidth=1, label="part uniforme")
        axe.set_xticks(range(len(p)))
        axe.set_xticklabels(NOMS_CLASSES[: len(p)], rotation=45, ha="right", fontsize=8)
        axe.set_title(f"{titre}\nKL à l'uniforme : {kl_uniforme(p):.3f}, plus petite part : {p.min():.1%}",
                      fontsize=9)
    axes[0].set_ylabel("part des images")
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    return figure


def distance_plus_proche_voisin(points):
    """Distance euclidienne moyenne de chacun des ``n`` points ``(n, d)`` à son plus proche voisin
    dans le même ensemble (lui-même exclu, ``voisins.plus_proches``) : un float, 0 si chaque point
    a un double.

    Plus les points sont serrés, plus elle est petite ; elle baisse aussi quand ``n`` augmente :
    ne comparez que des ensembles de même taille. Il faut au moins deux points.
    """
    x = np.asarray(points, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"Forme {x.shape} : attendu (n, d).")
    if len(x) < 2:
        raise ValueError("Il faut au moins deux points pour parler de plus proche voisin.")
    distances, _ = voisins.plus_proches(x, x, exclure_soi=True)
    return float(np.mean(distances))


def diversite_par_classe(caract_generees, classes_generees, caract_reelles, classes_reelles,
                         n_max=500, graine=0, n_classes=N_CLASSES):
    """Diversité à l'intérieur de chaque classe, images générées contre images réelles.

    ``caract_generees`` ``(n_g, d)`` et ``caract_reelles`` ``(n_r, d)`` : les caractéristiques des
    images (``Classifieur.caracteristiques``) ; ``classes_generees`` ``(n_g,)`` et
    ``classes_reelles`` ``(n_r,)`` : leur classe (0..9). Pour chaque classe k, on tire sans remise
    (graine ``graine``) le **même nombre** m d'images de chaque côté, m = le plus petit des deux
    effectifs de la classe, au plus ``n_max``, et l'on calcule ``distance_plus_proche_voisin`` de
    chaque côté.

    Renvoie une liste de ``n_classes`` dicts ``{"classe": k, "n": m, "generees": float,
    "reelles": float, "rapport": generees / reelles}`` ; valeurs ``nan`` quand m < 2. Un rapport
    proche de 1 : les images générées de la classe sont aussi variées que les vraies ; nettement
    sous 1 : elles se ressemblent entre elles (effondrement des modes dans la classe).
    """
    caract_g = np.asarray(caract_generees, dtype=np.float64)
    caract_r = np.asarray(caract_reelles, dtype=np.float64)
    if caract_g.ndim != 2 or caract_r.ndim != 2 or caract_g.shape[1] != caract_r.shape[1]:
        raise ValueError(f"Formes {caract_g.shape} et {caract_r.shape} : attendu (n_g, d) et (n_r, d), même d.")
    classes_g = np.asarray(classes_generees).astype(np.int64).reshape(-1)
    classes_r = np.asarray(classes_reelles).astype(np.int64).reshape(-1)
    if len(classes_g) != len(caract_g) or len(classes_r) != len(caract_r):
        raise ValueError("Il faut une classe par ligne de caractéristiques.")
    for classes in (classes_g, classes_r):
        if len(classes) and (classes.min() < 0 or classes.max() >= n_classes):
            raise ValueError(f"Les classes doivent être des entiers de 0 à {n_classes - 1}.")
    if n_max < 2:
        raise ValueError("n_max doit valoir au moins 2.")
    tirage = np.random.default_rng(graine)
    resultats = []
    for k in range(n_classes):
        indices_g, indices_r = np.flatnonzero(classes_g == k), np.flatnonzero(classes_r == k)
        m = min(len(indices_g), len(indices_r), n_max)
        ligne = {"classe": k, "n": m, "generees": math.nan, "reelles": math.nan, "rapport": math.nan}
        if m >= 2:
            ligne["generees"] = distance_plus_proche_voisin(caract_g[tirage.choice(indices_g, m, replace=False)])
            ligne["reelles"] = distance_plus_proche_voisin(caract_r[tirage.choice(indices_r, m, replace=False)])
            ligne["rapport"] = ligne["generees"] / ligne["reelles"] if ligne["reelles"] > 0 else math.nan
        resultats.append(ligne)
    return resultats


def afficher_diversite(resultats, noms=None):
    """Imprime le tableau de ``diversite_par_classe`` : une ligne par classe (nom français,
    nombre d'images de chaque côté, distance moyenne au plus proche voisin des générées et des
    réelles, rapport) ; « — » quand la classe a moins de deux images d'un côté. Puis une ligne de
    résumé : la médiane des rapports des classes mesurées, le plus bas et le plus haut.

    Renvoie la ligne (dict) de la classe au rapport le plus bas, ``None`` si aucune n'est mesurée.
    """
    if noms is None:
        from course.donnees import NOMS_CLASSES as noms
    largeur = max(len(n) for n in noms)
    print(f"{'classe':<{largeur}}  {'images':>6}  {'générées':>8}  {'réelles':>8}  {'rapport':>7}")
    for ligne in resultats:
        nom = noms[ligne["classe"]]
        if ligne["n"] < 2:
            print(f"{nom:<{largeur}}  {ligne['n']:>6}  {'—':>8}  {'—':>8}  {'—':>7}")
        else:
            print(f"{nom:<{largeur}}  {ligne['n']:>6}  {ligne['generees']:>8.2f}  "
                  f"{ligne['reelles']:>8.2f}  {ligne['rapport']:>7.2f}")
    mesurees = [ligne for ligne in resultats if ligne["n"] >= 2 and not math.isnan(ligne["rapport"])]
    if not mesurees:
        print("Aucune classe n'a deux images de chaque côté : rien à comparer.")
        return None
    basse = min(mesurees, key=lambda ligne: ligne["rapport"])
    haute = max(mesurees, key=lambda ligne: ligne["rapport"])
    print(f"Rapport générées / réelles, {len(mesurees)} classes mesurées : médiane "
          f"{np.median([ligne['rapport'] for ligne in mesurees]):.2f}, de {basse['rapport']:.2f} "
          f"({noms[basse['classe']]}) à {haute['rapport']:.2f} ({noms[haute['classe']]})")
    return basse
