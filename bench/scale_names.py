"""Names for the benchmark's city: a few hundred common given and family names, as New York's
counters see them (accents, apostrophes, hyphens, a few non-Latin scripts), and a long tail of
rarer family names made from syllables, so that a name search meets both crowds and strangers."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

GIVEN = (
    "María José Juan Luis Carmen Ana Carlos Jorge Rosa Miguel Ángel Sofía Valentina Mateo "
    "Camila Diego Lucía Isabella Santiago Ximena Andrés Guadalupe Héctor Raúl Inés Nicolás "
    "Wei Jing Li Ming Xiu Yan Hui Jun Mei Hao Lin Chen Ying Zhi Fang "
    "Anh Thị Minh Hương Quỳnh Thảo Phương Dũng Tuấn Ngọc "
    "Mohammed Muhammad Fatima Aisha Omar Ahmed Yusuf Khadija Ali Hassan Mariam Zainab Ibrahim "
    "Oluwaseun Chinwe Adebayo Ngozi Kwame Ama Kofi Abena Amara Chidi "
    "Aleksandr Olga Dmitri Natalia Sergei Tatiana Yuri Svetlana Łukasz Małgorzata Wojciech "
    "Agnieszka Krzysztof Zoë Chloé Renée Noël Siobhán Seán Niamh Aoife Ciarán Jürgen Björn "
    "Søren Åsa Mary James John Patricia Robert Jennifer Michael Linda William Elizabeth David "
    "Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel "
    "Lisa Matthew Betty Anthony Sandra Mark Ashley Donald Kimberly Steven Emily Paul Donna "
    "Andrew Michelle Joshua Dorothy Kenneth Carol Kevin Amanda Brian Melissa George Deborah "
    "Priya Rahul Ananya Arjun Deepika Rohan Sanjay Lakshmi Rajesh Sunita Farhana Tahmina "
    "Rafiq Nasrin Jean-Baptiste Marie-Claire Wilner Fabienne Jean-Pierre Ji-ho Min-jun Seo-yeon "
    "Hyun-woo Ji-woo Yuki Haruto Sakura Daiki Hina Moshe Chaya Yosef Rivka Shmuel Esther "
    "Mikhail Anastasia Valentín Débora Lourdes Consuelo Graciela Maribel"
).split()

FAMILY = (
    "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores "
    "Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Núñez-Ortiz Jiménez Ruiz Álvarez "
    "Mendoza Castillo Vásquez Romero Herrera Medina Aguilar Vargas Castro Guzmán Peña "
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương "
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Zheng "
    "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim "
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
    "Jackson Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright "
    "Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans "
    "O'Brien O'Connor O'Sullivan McCarthy Murphy Kelly Byrne Ryan Walsh Fitzgerald "
    "Cohen Levi Friedman Schwartz Goldberg Katz Weiss Rosenberg Shapiro Klein Rabinowitz "
    "Khan Ahmed Hossain Rahman Islam Uddin Begum Akter Chowdhury Ali Hussain Malik Iqbal "
    "Patel Shah Singh Kumar Sharma Gupta Das Reddy Mehta Joshi "
    "Okafor Adeyemi Mensah Owusu Diallo Traoré Koné Cissé Ndiaye Mbeki "
    "Ivanov Petrov Smirnov Kuznetsov Popova Volkov Sokolov Kowalski Nowak Wiśniewski "
    "Wójcik Kowalczyk Zieliński Jean-Louis Pierre Joseph Louis Charles Baptiste Saint-Fleur "
    "Dupont Lefèvre Müller Schmidt Schröder Larsen Nørgaard Østergaard Åberg "
    "Tanaka Suzuki Takahashi Watanabe Yamamoto Nakamura Kobayashi Katō Yoshida Yamada "
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco "
    "Papadopoulos Georgiou Nikolaidis Yilmaz Kaya Demir Şahin Çelik Abdullah Haddad"
).split() + ["李", "王", "张", "محمد", "Ковальчук", "Σταυρόπουλος", "כהן"]

_ONSETS = "b br ch d f g h j k kh l m n p r s sh t th v w y z".split()
_VOWELS = "a e i o u ai ei ou ia ue".split()
_CODAS = ["", "", "n", "r", "s", "l", "k", "m", "t", "ng"]
TAIL = sorted(
    {
        (a + v + c + b + w + d).capitalize()
        for a, v, c, b, w, d in itertools.product(
            _ONSETS[:12], _VOWELS[:6], _CODAS[:4], _ONSETS[8:], _VOWELS[4:], _CODAS[4:]
        )
    }
)
# Share of holders whose family name is one of the common ones above; the rest are rarer.
COMMON_SHARE = 0.7


def _zipf_weights(count: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(count)))


class NamePicker:
    """Draws (given, family) pairs: common names by a Zipf-like law, the tail uniformly."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._given_weights = _zipf_weights(len(GIVEN))
        self._family_weights = _zipf_weights(len(FAMILY))

    def _pick(self, names: Sequence[str], weights: list[float]) -> str:
        return self._rng.choices(names, cum_weights=weights)[0]

    def pair(self) -> tuple[str, str]:
        given = self._pick(GIVEN, self._given_weights)
        if self._rng.random() < COMMON_SHARE:
            return given, self._pick(FAMILY, self._family_weights)
        return given, self._rng.choice(TAIL)
