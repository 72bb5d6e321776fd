<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AcceptanceDialog</name>
    <message>
        <source>Acceptance report: {label}</source>
        <translation>受け入れ報告書: {label}</translation>
    </message>
    <message>
        <source>signed by {name}</source>
        <translation>{name} が署名済み</translation>
    </message>
    <message>
        <source>not signed: it cannot go live until a manager signs it</source>
        <translation>未署名: 管理者が署名するまで検査に使えません</translation>
    </message>
    <message>
        <source>&lt;b&gt;{label}&lt;/b&gt;, {state}. Measured on held-out photos the product never learned from, through the whole station:</source>
        <translation>&lt;b&gt;{label}&lt;/b&gt;、{state}。学習に使っていない評価用の写真で、ステーション全体を通して測った結果:</translation>
    </message>
    <message>
        <source>Open the full report</source>
        <translation>報告書全体を開く</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <source>Add user</source>
        <translation>利用者の追加</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>役割</translation>
    </message>
    <message>
        <source>Password (8 characters or more)</source>
        <translation>パスワード（8文字以上）</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>パスワード（確認）</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>2つのパスワードが一致しません。</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Starting the inspection station ...
loading models from {folder}</source>
        <translation>検査ステーションを起動しています…
モデルを読み込み中: {folder}</translation>
    </message>
    <message>
        <source>Inspection station</source>
        <translation>検査ステーション</translation>
    </message>
    <message>
        <source>The station could not start</source>
        <translation>ステーションを起動できませんでした</translation>
    </message>
    <message>
        <source>{error}

Fix this, then start the station again.</source>
        <translation>{error}

この問題を解決してから、ステーションを再起動してください。</translation>
    </message>
    <message>
        <source>Forwarding to the plant</source>
        <translation>工場への転送</translation>
    </message>
    <message>
        <source>Frames are not forwarded to the plant: {error}</source>
        <translation>画像は工場に転送されません: {error}</translation>
    </message>
</context>
<context>
    <name>Audit</name>
    <message>
        <source>signed in ({via})</source>
        <translation>サインイン（{via}）</translation>
    </message>
    <message>
        <source>sign-in refused: wrong name or password, or account blocked ({via})</source>
        <translation>サインイン拒否: 名前かパスワードの誤り、またはアカウント停止（{via}）</translation>
    </message>
    <message>
        <source>signed out ({reason})</source>
        <translation>サインアウト（{reason}）</translation>
    </message>
    <message>
        <source>sign-in held back after failed ones: wait {wait_s} s ({via})</source>
        <translation>失敗が続いたためサインインを保留: {wait_s} 秒待機（{via}）</translation>
    </message>
    <message>
        <source>sign-in refused: the account {account} was changed outside the station</source>
        <translation>サインイン拒否: アカウント {account} はステーションの外で変更されています</translation>
    </message>
    <message>
        <source>the last {lost} events were lost in a crash or restore (the checkpoint of {checkpoint_written} named #{checkpoint_event})</source>
        <translation>障害または復元で最後の {lost} 件の記録が失われました（{checkpoint_written} のチェックポイントは #{checkpoint_event} を指していました）</translation>
    </message>
    <message>
        <source>{count} images without a record moved to quarantine</source>
        <translation>記録のない画像 {count} 枚を隔離フォルダーに移しました</translation>
    </message>
    <message>
        <source>refused: {permission} ({via})</source>
        <translation>拒否: {permission}（{via}）</translation>
    </message>
    <message>
        <source>added user {username} as {role}</source>
        <translation>利用者 {username} を{role}として追加</translation>
    </message>
    <message>
        <source>changed the role of {username} from {old} to {new}</source>
        <translation>{username} の役割を{old}から{new}に変更</translation>
    </message>
    <message>
        <source>activated user {username}</source>
        <translation>利用者 {username} を有効化</translation>
    </message>
    <message>
        <source>deactivated user {username}</source>
        <translation>利用者 {username} を無効化</translation>
    </message>
    <message>
        <source>decided part no. {inspection}: {label}</source>
        <translation>部品番号 {inspection} を判定: {label}</translation>
    </message>
    <message>
        <source>fail-safe tripped: {review_share} of the last {window} parts went to review (limit {limit}); manual mode</source>
        <translation>フェイルセーフ作動: 直近 {window} 個のうち {review_share} がレビューに回付（上限 {limit}）。手動モード</translation>
    </message>
    <message>
        <source>fail-safe tripped: the checks failed on {failed_frames} parts in a row; manual mode</source>
        <translation>フェイルセーフ作動: 判定が {failed_frames} 個続けて失敗しました。手動モード</translation>
    </message>
    <message>
        <source>reset the fail-safe ({note})</source>
        <translation>フェイルセーフを解除（{note}）</translation>
    </message>
    <message>
        <source>started {kind} run {run}</source>
        <translation>{kind}（実行 {run}）を開始</translation>
    </message>
    <message>
        <source>{kind} run {run} ended: {status}</source>
        <translation>{kind}（実行 {run}）が終了: {status}</translation>
    </message>
    <message>
        <source>trusts the plant key {name} ({fingerprint})</source>
        <translation>工場の鍵 {name}（{fingerprint}）を信頼</translation>
    </message>
    <message>
        <source>no longer trusts the plant key {name} ({fingerprint})</source>
        <translation>工場の鍵 {name}（{fingerprint}）の信頼を取り消し</translation>
    </message>
    <message>
        <source>input gate: reference bank v{version} of {frames} frames is live</source>
        <translation>入力ゲート: 参照データ v{version}（{frames} 枚）を使用開始</translation>
    </message>
    <message>
        <source>imported the vision model {arch} ({sha256})</source>
        <translation>画像モデル {arch}（{sha256}）を取り込み</translation>
    </message>
    <message>
        <source>a model file changed outside the station: {path}</source>
        <translation>モデルファイルがステーション外で変更されました: {path}</translation>
    </message>
    <message>
        <source>tuned prompt set {name} v{version} (id {prompt_set})</source>
        <translation>プロンプトセット {name} v{version}（ID {prompt_set}）を調整</translation>
    </message>
    <message>
        <source>made prompt set {name} v{version} (id {prompt_set}) live</source>
        <translation>プロンプトセット {name} v{version}（ID {prompt_set}）を使用開始</translation>
    </message>
    <message>
        <source>took prompt set {prompt_set} off</source>
        <translation>プロンプトセット {prompt_set} の使用を終了</translation>
    </message>
    <message>
        <source>exported a station pack: {file}</source>
        <translation>ステーションパックを書き出し: {file}</translation>
    </message>
    <message>
        <source>imported a station pack signed by {signer_name}: {file}</source>
        <translation>{signer_name} が署名したステーションパックを取り込み: {file}</translation>
    </message>
    <message>
        <source>refused a station pack: {file}</source>
        <translation>ステーションパックを拒否: {file}</translation>
    </message>
    <message>
        <source>changed settings: {changes}</source>
        <translation>設定を変更: {changes}</translation>
    </message>
    <message>
        <source>recorded the settings file</source>
        <translation>設定ファイルを記録</translation>
    </message>
    <message>
        <source>the settings file was edited outside the station: {changes}</source>
        <translation>設定ファイルがステーション外で編集されました: {changes}</translation>
    </message>
    <message>
        <source>the audit trail is keyed from here on</source>
        <translation>ここから監査ログに鍵が付きます</translation>
    </message>
    <message>
        <source>PLC link {link}: listening</source>
        <translation>PLC 接続 {link}: 待ち受け中</translation>
    </message>
    <message>
        <source>PLC link {link}: connected</source>
        <translation>PLC 接続 {link}: 接続済み</translation>
    </message>
    <message>
        <source>PLC link {link}: failed</source>
        <translation>PLC 接続 {link}: 失敗</translation>
    </message>
    <message>
        <source>PLC link {link}: off</source>
        <translation>PLC 接続 {link}: 停止</translation>
    </message>
    <message>
        <source>onboarded product {name} v{version}</source>
        <translation>製品 {name} v{version} を登録しました</translation>
    </message>
    <message>
        <source>signed the acceptance report of product {name} v{version}</source>
        <translation>製品 {name} v{version} の受け入れ報告書に署名しました</translation>
    </message>
    <message>
        <source>changeover: product {name} v{version} is live (before: {before})</source>
        <translation>品種切替: 製品 {name} v{version} で検査します（切替前: {before}）</translation>
    </message>
    <message>
        <source>changeover: no product live, the settings&apos; classes (before: {before})</source>
        <translation>品種切替: 製品なし、設定のクラスで検査します（切替前: {before}）</translation>
    </message>
    <message>
        <source>changeover refused, the product judging stays live: {refused}</source>
        <translation>品種切替を拒否しました。検査中の製品のまま続けます: {refused}</translation>
    </message>
    <message>
        <source>product {name} v{version} arrived in a station pack (v{source_version} there, signed there by {accepted_there_by})</source>
        <translation>製品 {name} v{version} をステーションパックで受け取りました（送り元では v{source_version}、送り元の署名者 {accepted_there_by}）</translation>
    </message>
    <message>
        <source>product {name}: recipe number {recipe} (before: {before})</source>
        <translation>製品 {name}: レシピ番号 {recipe}（変更前: {before}）</translation>
    </message>
    <message>
        <source>command line</source>
        <translation>コマンドライン</translation>
    </message>
    <message>
        <source>window</source>
        <translation>画面</translation>
    </message>
    <message>
        <source>test</source>
        <translation>テスト</translation>
    </message>
    <message>
        <source>by the user</source>
        <translation>本人による</translation>
    </message>
    <message>
        <source>after a quiet spell</source>
        <translation>無操作のため</translation>
    </message>
    <message>
        <source>window closed</source>
        <translation>画面を閉じたため</translation>
    </message>
    <message>
        <source>attack test</source>
        <translation>攻撃試験</translation>
    </message>
    <message>
        <source>backdoor probe</source>
        <translation>バックドア検査</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
</context>
<context>
    <name>ClassNamesDialog</name>
    <message>
        <source>Class names</source>
        <translation>クラス名</translation>
    </message>
    <message>
        <source>The names reviewers read on their buttons. Empty: the folder&apos;s name.</source>
        <translation>レビュー担当者がボタンで読む名前です。空欄ならフォルダ名を使います。</translation>
    </message>
    <message>
        <source>Class folder</source>
        <translation>クラスのフォルダ</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Name in Japanese</source>
        <translation>日本語の名前</translation>
    </message>
</context>
<context>
    <name>DecisionPanel</name>
    <message>
        <source>Nothing selected</source>
        <translation>選択されていません</translation>
    </message>
    <message>
        <source>Note (optional), e.g. &apos;scratch is outside the sealing face&apos;</source>
        <translation>メモ（任意）例:「傷はシール面の外側」</translation>
    </message>
    <message>
        <source>What is this part really?  (press the number key)</source>
        <translation>この部品の本当の状態は？（数字キーで選択）</translation>
    </message>
    <message>
        <source>Skip (S)</source>
        <translation>スキップ (S)</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>拡大 (+)</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>縮小 (-)</translation>
    </message>
    <message>
        <source>Fit (F)</source>
        <translation>全体表示 (F)</translation>
    </message>
    <message>
        <source>X  No whole part in view (empty, half a part, something else)</source>
        <translation>X  部品が丸ごと写っていない（空、部品の一部、別の物）</translation>
    </message>
</context>
<context>
    <name>Desk</name>
    <message>
        <source>Opening the plant review desk ...
reaching the plant {folder} names</source>
        <translation>工場レビューデスクを開いています ...
{folder} の設定にある工場に接続しています</translation>
    </message>
    <message>
        <source>The desk could not start</source>
        <translation>レビューデスクを起動できませんでした</translation>
    </message>
    <message>
        <source>{error}

Fix this, then start the desk again.</source>
        <translation>{error}

この問題を解決してから、デスクを再起動してください。</translation>
    </message>
    <message>
        <source>Plant review desk</source>
        <translation>工場レビューデスク</translation>
    </message>
</context>
<context>
    <name>DeskOverview</name>
    <message>
        <source>Last 8 hours</source>
        <translation>直近 8 時間</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>直近 24 時間</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>直近 7 日間</translation>
    </message>
    <message>
        <source>not scheduled</source>
        <translation>予定なし</translation>
    </message>
    <message>
        <source>up to date</source>
        <translation>実施済み</translation>
    </message>
    <message>
        <source>due</source>
        <translation>実施時期</translation>
    </message>
    <message>
        <source>OVERDUE</source>
        <translation>期限切れ</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>ステーション</translation>
    </message>
    <message>
        <source>Last heard</source>
        <translation>最終受信</translation>
    </message>
    <message>
        <source>Not sent yet</source>
        <translation>未送信</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>アラーム</translation>
    </message>
    <message>
        <source>Self-tests</source>
        <translation>セルフテスト</translation>
    </message>
    <message>
        <source>Last attack test</source>
        <translation>最新の攻撃テスト</translation>
    </message>
    <message>
        <source>Last backdoor probe</source>
        <translation>最新のバックドア検査</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <source>Parts</source>
        <translation>部品数</translation>
    </message>
    <message>
        <source>Parts/hour</source>
        <translation>部品数/時</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>レビュー率</translation>
    </message>
    <message>
        <source>Defects a check passed (caught in review)</source>
        <translation>一方のチェックが見逃した不良（レビューで発見）</translation>
    </message>
    <message>
        <source>Parts per hour</source>
        <translation>1 時間あたりの部品数</translation>
    </message>
    <message>
        <source>Share sent to review, per hour</source>
        <translation>1 時間ごとのレビュー率</translation>
    </message>
    <message>
        <source>Asking the plant ...</source>
        <translation>工場のデータベースに問い合わせています ...</translation>
    </message>
    <message>
        <source>The plant could not be asked: {message}</source>
        <translation>工場のデータベースに問い合わせできませんでした: {message}</translation>
    </message>
    <message>
        <source>As of {time}</source>
        <translation>{time} 時点</translation>
    </message>
    <message>
        <source>{count} (one open: manual mode)</source>
        <translation>{count}（未解除あり: 手動モード）</translation>
    </message>
</context>
<context>
    <name>DeskWindow</name>
    <message>
        <source>Plant review desk - {user}</source>
        <translation>工場レビューデスク - {user}</translation>
    </message>
    <message>
        <source>All stations</source>
        <translation>すべてのステーション</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>すべての製品</translation>
    </message>
    <message>
        <source>Any reason</source>
        <translation>すべての理由</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>ステーション</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>By</source>
        <translation>レビュー担当</translation>
    </message>
    <message>
        <source>At the station</source>
        <translation>ステーションでの扱い</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>レビュー待ち</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>判定済み</translation>
    </message>
    <message>
        <source>Plant overview</source>
        <translation>工場の概況</translation>
    </message>
    <message>
        <source>Asking the plant ...</source>
        <translation>工場のデータベースに問い合わせています ...</translation>
    </message>
    <message>
        <source>The plant could not be asked: {message}</source>
        <translation>工場のデータベースに問い合わせできませんでした: {message}</translation>
    </message>
    <message>
        <source>More than {count} frames waiting</source>
        <translation>レビュー待ち {count} 件以上</translation>
    </message>
    <message numerus="yes">
        <source>%n frame(s) waiting</source>
        <translation>
            <numerusform>レビュー待ち %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> - %n decided now</source>
        <translation>
            <numerusform> - 今回 %n 件判定済み</numerusform>
        </translation>
    </message>
    <message>
        <source>No frame waits.</source>
        <translation>レビュー待ちの画像はありません。</translation>
    </message>
    <message>
        <source>Nothing selected</source>
        <translation>選択されていません</translation>
    </message>
    <message>
        <source>Opening frame {id} of {station} ...</source>
        <translation>{station} の画像 {id} を開いています ...</translation>
    </message>
    <message>
        <source>Frame {id} of {station} is with another reviewer.</source>
        <translation>{station} の画像 {id} は別のレビュー担当者が確認中です。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{station}, part no. {id}&lt;/b&gt; ({at}) {product}&lt;br&gt;Vision model: &lt;b&gt;{label_a}&lt;/b&gt; ({conf_a} sure)&lt;br&gt;Second check: &lt;b&gt;{label_b}&lt;/b&gt; ({conf_b} sure)&lt;br&gt;{reasons}</source>
        <translation>&lt;b&gt;{station}、部品番号 {id}&lt;/b&gt;（{at}）{product}&lt;br&gt;ビジョンモデル: &lt;b&gt;{label_a}&lt;/b&gt;（確信度 {conf_a}）&lt;br&gt;第二チェック: &lt;b&gt;{label_b}&lt;/b&gt;（確信度 {conf_b}）&lt;br&gt;{reasons}</translation>
    </message>
    <message>
        <source>Frame {id} of {station} could not be opened: {message}</source>
        <translation>{station} の画像 {id} を開けませんでした: {message}</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>レビュー</translation>
    </message>
    <message>
        <source>The decision was not saved: {error}</source>
        <translation>判定は保存されませんでした: {error}</translation>
    </message>
    <message>
        <source>not taken back yet</source>
        <translation>ステーション未反映</translation>
    </message>
</context>
<context>
    <name>ImportModelDialog</name>
    <message>
        <source>Import a model file</source>
        <translation>モデルファイルの取り込み</translation>
    </message>
    <message>
        <source>Browse ...</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>optional: the sha256 the supplier gave you</source>
        <translation>任意: 提供元から受け取った sha256</translation>
    </message>
    <message>
        <source>Use this model from the next start</source>
        <translation>次回起動時からこのモデルを使用する</translation>
    </message>
    <message>
        <source>Checkpoint file</source>
        <translation>チェックポイントファイル</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>アーキテクチャ</translation>
    </message>
    <message>
        <source>Expected sha256</source>
        <translation>期待する sha256</translation>
    </message>
    <message>
        <source>Model checkpoint</source>
        <translation>モデルのチェックポイント</translation>
    </message>
    <message>
        <source>Checkpoints (*.safetensors *.pt *.bin)</source>
        <translation>チェックポイント (*.safetensors *.pt *.bin)</translation>
    </message>
</context>
<context>
    <name>LivePage</name>
    <message>
        <source>Browse ...</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Camera:</source>
        <translation>カメラ:</translation>
    </message>
    <message>
        <source>Reset alarm (manager)</source>
        <translation>警報を解除（管理者）</translation>
    </message>
    <message>
        <source>Done: taken off (Space)</source>
        <translation>取り出し済み（スペース）</translation>
    </message>
    <message>
        <source>What the two checks see</source>
        <translation>2つの判定の結果</translation>
    </message>
    <message>
        <source>Vision model:</source>
        <translation>画像モデル:</translation>
    </message>
    <message>
        <source>Second check:</source>
        <translation>第2判定:</translation>
    </message>
    <message>
        <source>This shift</source>
        <translation>この直の実績</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>To check by hand</source>
        <translation>要確認（目視）</translation>
    </message>
    <message>
        <source>All parts</source>
        <translation>全数</translation>
    </message>
    <message>
        <source>Parts per minute</source>
        <translation>毎分の検査数</translation>
    </message>
    <message>
        <source>Folder of images</source>
        <translation>画像フォルダー</translation>
    </message>
    <message>
        <source>Video file</source>
        <translation>動画ファイル</translation>
    </message>
    <message>
        <source>{source}: fill in the {what}</source>
        <translation>{source}: {what}を入力してください</translation>
    </message>
    <message>
        <source>Live inspection</source>
        <translation>ライブ検査</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <source>The camera could not be opened.

{error}</source>
        <translation>カメラを開けませんでした。

{error}</translation>
    </message>
    <message>
        <source>Running: {source}</source>
        <translation>検査中: {source}</translation>
    </message>
    <message>
        <source>Stopping ...</source>
        <translation>停止しています…</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>停止しました。</translation>
    </message>
    <message>
        <source>Stopped because of a problem: {message}</source>
        <translation>問題が発生したため停止しました: {message}</translation>
    </message>
    <message>
        <source>Live inspection stopped</source>
        <translation>ライブ検査が停止しました</translation>
    </message>
    <message>
        <source>{message}

Check the camera connection and press Start again. Every part inspected so far is saved.</source>
        <translation>{message}

カメラの接続を確認して、もう一度「開始」を押してください。これまでに検査した部品はすべて保存されています。</translation>
    </message>
    <message>
        <source>Camera: {message}</source>
        <translation>カメラ: {message}</translation>
    </message>
    <message>
        <source>{label}  ({confidence} sure)</source>
        <translation>{label}（確信度 {confidence}）</translation>
    </message>
    <message numerus="yes">
        <source>MANUAL MODE: the checks failed on %n parts in a row (a broken model, prompt set or camera), so every part now goes to the review queue. Tell your manager; only a manager can reset this.</source>
        <translation>
            <numerusform>手動モード: 判定が %n 個続けて失敗したため（モデル・プロンプトセット・カメラの故障）、すべての部品をレビュー待ちに回しています。管理者に連絡してください。解除できるのは管理者だけです。</numerusform>
        </translation>
    </message>
    <message>
        <source>MANUAL MODE: too many parts needed checking by hand, so every part now goes to the review queue. Tell your manager; only a manager can reset this.</source>
        <translation>手動モード: 目視確認が必要な部品が多すぎたため、すべての部品をレビュー待ちに回しています。管理者に連絡してください。解除できるのは管理者だけです。</translation>
    </message>
    <message>
        <source>Reset the alarm</source>
        <translation>警報の解除</translation>
    </message>
    <message>
        <source>Has the cause been found and fixed? The station returns to automatic decisions.</source>
        <translation>原因を特定して対処しましたか？ステーションは自動判定に戻ります。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>listening</source>
        <translation>待受中</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>接続中</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>異常</translation>
    </message>
    <message>
        <source>off</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>サインアウト</translation>
    </message>
    <message>
        <source>{title} ({count}+)</source>
        <translation>{title}（{count}+）</translation>
    </message>
    <message>
        <source>{title} ({count})</source>
        <translation>{title}（{count}）</translation>
    </message>
    <message>
        <source>prompt set {id}</source>
        <translation>プロンプトセット {id}</translation>
    </message>
    <message>
        <source>the product&apos;s prompts</source>
        <translation>製品のプロンプト</translation>
    </message>
    <message>
        <source>no prompt set</source>
        <translation>プロンプトセットなし</translation>
    </message>
    <message>
        <source>vision model {fingerprint}, {prompts}</source>
        <translation>画像モデル {fingerprint}、{prompts}</translation>
    </message>
    <message>
        <source>product {label}, {rest}</source>
        <translation>製品 {label}、{rest}</translation>
    </message>
    <message>
        <source>Plant: stopped</source>
        <translation>工場: 停止</translation>
    </message>
    <message>
        <source>Plant: paused</source>
        <translation>工場: 一時停止</translation>
    </message>
    <message numerus="yes">
        <source>(%n frame(s) waiting here)</source>
        <translation>
            <numerusform>（未送信 %n 件）</numerusform>
        </translation>
    </message>
    <message>
        <source>Plant: connecting</source>
        <translation>工場: 接続中</translation>
    </message>
    <message numerus="yes">
        <source>Plant: %n frame(s) to send</source>
        <translation>
            <numerusform>工場: 送信待ち %n 件</numerusform>
        </translation>
    </message>
    <message>
        <source>Plant: up to date</source>
        <translation>工場: 送信済み</translation>
    </message>
    <message>
        <source>forwarding as {station}, up to frame #{position}</source>
        <translation>{station} として転送中、画像 #{position} まで送信済み</translation>
    </message>
    <message>
        <source>{name} ({role})</source>
        <translation>{name}（{role}）</translation>
    </message>
    <message>
        <source>Signed out after a quiet spell.</source>
        <translation>一定時間操作がなかったため、サインアウトしました。</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Live inspection is running. Stop it and quit?</source>
        <translation>ライブ検査の実行中です。停止して終了しますか？</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>simulated camera ({family}, {defect_rate:.0%} defective, seed {seed})</source>
        <translation>模擬カメラ（{family}、不良 {defect_rate:.0%}、シード {seed}）</translation>
    </message>
    <message>
        <source>simulated camera (all part families, {defect_rate:.0%} defective, seed {seed})</source>
        <translation>模擬カメラ（全部品種、不良 {defect_rate:.0%}、シード {seed}）</translation>
    </message>
    <message>
        <source>image folder {folder} ({files} files)</source>
        <translation>画像フォルダー {folder}（{files} ファイル）</translation>
    </message>
    <message>
        <source>camera {device}</source>
        <translation>カメラ {device}</translation>
    </message>
    <message>
        <source>network camera {url}</source>
        <translation>ネットワークカメラ {url}</translation>
    </message>
    <message>
        <source>video file {path}</source>
        <translation>動画ファイル {path}</translation>
    </message>
    <message>
        <source>{inner}, one picture per PLC trigger</source>
        <translation>{inner}、PLC のトリガーごとに 1 枚</translation>
    </message>
    <message>
        <source>{reason}; trying again every {interval:g} s or more</source>
        <translation>{reason}。{interval:g} 秒以上の間隔で再試行しています</translation>
    </message>
    <message>
        <source>the camera cannot be opened</source>
        <translation>カメラを開けません</translation>
    </message>
    <message>
        <source>the camera sends no pictures</source>
        <translation>カメラから画像が届きません</translation>
    </message>
    <message>
        <source>unknown camera kind &apos;{kind}&apos;</source>
        <translation>不明なカメラの種類「{kind}」</translation>
    </message>
    <message>
        <source>{kind}: fill in the box beside the camera choice</source>
        <translation>{kind}: カメラ選択の横の欄に入力してください</translation>
    </message>
    <message>
        <source>pictures again after {attempts} attempt(s)</source>
        <translation>{attempts} 回目の試行で画像が戻りました</translation>
    </message>
    <message>
        <source>skipped: the station does not read {suffix} files (it reads {types})</source>
        <translation>読み飛ばし: {suffix} ファイルは読めません（読める形式: {types}）</translation>
    </message>
    <message>
        <source>skipped: a file without a suffix (the station reads {types})</source>
        <translation>読み飛ばし: 拡張子のないファイル（読める形式: {types}）</translation>
    </message>
    <message>
        <source>skipped: {problem}</source>
        <translation>読み飛ばし: {problem}</translation>
    </message>
    <message>
        <source>the image folder {folder} does not exist; check the path in the box beside the camera choice</source>
        <translation>画像フォルダー {folder} がありません。カメラ選択の横の欄のパスを確認してください</translation>
    </message>
    <message>
        <source>the image folder {folder} holds no images ({types})</source>
        <translation>画像フォルダー {folder} に画像がありません（{types}）</translation>
    </message>
    <message>
        <source>{source} does not answer. Check that it is plugged in and switched on (for a network camera: the cable and the address), then press Start again</source>
        <translation>{source} が応答しません。接続と電源（ネットワークカメラはケーブルとアドレス）を確認し、もう一度「開始」を押してください</translation>
    </message>
    <message>
        <source>{source} cannot be opened. Check that the file exists and is a video</source>
        <translation>{source} を開けません。ファイルがあり、動画であることを確認してください</translation>
    </message>
    <message>
        <source>{kind}: fill in the box beside the camera choice, or set the camera address on the Settings page</source>
        <translation>{kind}: カメラ選択の横の欄に入力するか、設定ページでカメラのアドレスを設定してください</translation>
    </message>
    <message>
        <source>the camera is chosen by its device number, such as 0 (not &apos;{target}&apos;)</source>
        <translation>カメラは 0 のようなデバイス番号で選びます（「{target}」ではありません）</translation>
    </message>
    <message>
        <source>{name}: an image without pixels ({width} x {height}); skipped</source>
        <translation>{name}: 画素のない画像（{width} x {height}）。読み飛ばしました</translation>
    </message>
    <message>
        <source>{name}: {width} x {height} pixels, larger than the station takes ({limit:,} pixels); skipped</source>
        <translation>{name}: {width} x {height} 画素で、上限（{limit:,} 画素）を超えています。読み飛ばしました</translation>
    </message>
    <message>
        <source>{name}: larger than the station takes ({limit:,} pixels); skipped</source>
        <translation>{name}: 上限（{limit:,} 画素）を超えています。読み飛ばしました</translation>
    </message>
    <message>
        <source>{name}: not a readable image</source>
        <translation>{name}: 読めない画像です</translation>
    </message>
    <message>
        <source>{name}: file not found</source>
        <translation>{name}: ファイルがありません</translation>
    </message>
    <message>
        <source>Wrong user name or password</source>
        <translation>利用者名またはパスワードが違います</translation>
    </message>
    <message>
        <source>reading {file}</source>
        <translation>{file} を読み込み中</translation>
    </message>
    <message>
        <source>photos read</source>
        <translation>写真を読み込みました</translation>
    </message>
    <message>
        <source>{step}/{steps} {what}: {detail}</source>
        <translation>{step}/{steps} {what}: {detail}</translation>
    </message>
    <message>
        <source>checking the photos</source>
        <translation>写真の確認</translation>
    </message>
    <message>
        <source>training the second check</source>
        <translation>第二検査の学習</translation>
    </message>
    <message>
        <source>tuning the vision model&apos;s prompts</source>
        <translation>画像モデルのプロンプト調整</translation>
    </message>
    <message>
        <source>building the input gate&apos;s bank</source>
        <translation>入力ゲートの基準の作成</translation>
    </message>
    <message>
        <source>choosing thresholds</source>
        <translation>しきい値の決定</translation>
    </message>
    <message>
        <source>the acceptance report</source>
        <translation>受け入れ報告書</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>pass {epoch} of {epochs}, loss {loss:.3f}</source>
        <translation>{epochs} 回中 {epoch} 回目、損失 {loss:.3f}</translation>
    </message>
    <message>
        <source>held-out photos</source>
        <translation>評価用の写真</translation>
    </message>
    <message>
        <source>{have} photos in the classes to learn; the station needs at least {need}: the input gate learns what a part looks like from 20 of them and calibrates on 20 more</source>
        <translation>学習するクラスの写真が {have} 枚です。少なくとも {need} 枚必要です。入力ゲートはそのうち 20 枚で部品の見た目を学び、さらに 20 枚で校正します</translation>
    </message>
    <message>
        <source>No photos of the good class &apos;{good}&apos;: put them in {folder} (the folder&apos;s classes are: {found})</source>
        <translation>良品クラス「{good}」の写真がありません。{folder} に入れてください（フォルダにあるクラス: {found}）</translation>
    </message>
    <message>
        <source>The good class &apos;{good}&apos; has {have} photos; it needs at least {need}: what a good part looks like is learned from them, and some are held out to measure it</source>
        <translation>良品クラス「{good}」の写真は {have} 枚です。少なくとも {need} 枚必要です。良品の見た目をここから学び、一部は評価用に残します</translation>
    </message>
    <message>
        <source>No defect class has {need} or more photos: the station needs at least one kind of defect to learn; add photos of the most common defect</source>
        <translation>{need} 枚以上の写真がある不良クラスがありません。少なくとも一種類の不良を学ぶ必要があります。最も多い不良の写真を加えてください</translation>
    </message>
    <message>
        <source>{count} photos are near copies of others in their class (a fixtured part, or one part shot many times) and were split across training and held-out: the held-out figures may be better than fresh parts will give.</source>
        <translation>{count} 枚の写真が同じクラスの他の写真とほぼ同じで（治具で固定した部品、または一つの部品を何度も撮影）、学習用と評価用に分かれました。評価用の数値は新しい部品より良く出ている可能性があります。</translation>
    </message>
    <message>
        <source>No thresholds kept the calibration photos within the limits ({escapes} defects passed, {false_fails} good failed at the strictest pair): the checks cannot tell these classes apart yet. Do not sign before more photos are onboarded.</source>
        <translation>校正用の写真を上限内に収めるしきい値がありませんでした（最も厳しい組み合わせで不良 {escapes} 個が合格、良品 {false_fails} 個が不合格）。二つの判定はまだこれらのクラスを見分けられません。写真を増やして登録し直すまで署名しないでください。</translation>
    </message>
    <message>
        <source>The input gate set its thresholds on {frames} photos: too few to aim at {aim:.0%} of parts called unfamiliar (one photo is {one:.1%}); on them it called {called:.1%} unfamiliar. The figures above include what it did; more photos make it finer.</source>
        <translation>入力ゲートは {frames} 枚の写真でしきい値を決めました。見慣れない部品と判定する割合 {aim:.0%} を狙うには少なすぎます（1 枚で {one:.1%}）。この写真では {called:.1%} を見慣れないと判定しました。上の数値にはゲートの働きも含まれます。写真を増やすと精度が上がります。</translation>
    </message>
    <message>
        <source>No defect photos were held out: the escape rate is not measured. Add defect photos and onboard again.</source>
        <translation>評価用に不良品の写真がありません。流出率は測定されていません。不良品の写真を加えて登録し直してください。</translation>
    </message>
    <message>
        <source>{defects} held-out defect photos are too few to bound the escape rate below {wanted:.0%} (the bound is {bound:.1%}); about {needed} with no escape would.</source>
        <translation>評価用の不良品写真 {defects} 枚では、流出率の上限を {wanted:.0%} 未満に抑えられません（上限は {bound:.1%}）。流出なしで約 {needed} 枚あれば抑えられます。</translation>
    </message>
    <message>
        <source>&apos;{key}&apos; had too few photos to learn: its {held} photos measure only whether the good-parts check stops that kind.</source>
        <translation>「{key}」は学習するには写真が少なすぎました。その {held} 枚は、良品の記憶がこの種類を止めるかどうかだけを測っています。</translation>
    </message>
    <message>
        <source>No held-out photo of &apos;{key}&apos;: that class is not measured.</source>
        <translation>「{key}」の評価用写真がありません。このクラスは測定されていません。</translation>
    </message>
    <message>
        <source>The product name {name} is not allowed: use 1 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit (e.g. bracket-a7)</source>
        <translation>製品名 {name} は使えません。英字、数字、「.」「_」「-」で 1～64 文字、先頭は英字か数字にしてください（例: M8-2）</translation>
    </message>
    <message>
        <source>{label} has no signed acceptance yet: read its report (Acceptance report ...) and sign it (Sign the acceptance ...) first.</source>
        <translation>{label} の受け入れ報告書はまだ署名されていません。先に報告書を読み（受け入れ報告書 ...）、署名してください（受け入れに署名 ...）。</translation>
    </message>
    <message>
        <source>The report sends {share:.0%} of parts to review, more than the fail-safe allows ({limit:.0%}). Live, the station would go to manual mode within about {frames} parts and every part would wait for a person. Onboard it again with more photos of each class, or staff the review queue for it and raise the fail-safe&apos;s review share on the Settings page knowingly.</source>
        <translation>この報告ではレビューに回る部品が {share:.0%} で、フェイルセーフの上限（{limit:.0%}）を超えています。稼働させると約 {frames} 個以内に手動モードになり、すべての部品が人の判定待ちになります。各クラスの写真を増やして登録し直すか、レビュー要員を確保したうえで設定ページのフェイルセーフのレビュー割合を承知のうえで引き上げてください。</translation>
    </message>
    <message>
        <source>The account &apos;{user}&apos; was changed outside the station, so it cannot sign in. Tell a quality manager: the tampering check on the Users and audit page shows what changed</source>
        <translation>アカウント「{user}」はステーションの外で変更されたため、サインインできません。品質管理者に連絡してください。「利用者と監査ログ」ページの改ざん検査で変更内容がわかります</translation>
    </message>
    <message>
        <source>The account &apos;{user}&apos; is deactivated; ask a manager</source>
        <translation>アカウント「{user}」は無効です。管理者に相談してください</translation>
    </message>
    <message>
        <source>The account &apos;{user}&apos; no longer exists; sign in again</source>
        <translation>アカウント「{user}」はもうありません。もう一度サインインしてください</translation>
    </message>
    <message>
        <source>{permission} needs a signed-in {roles}; sign in first</source>
        <translation>{permission}には{roles}のサインインが必要です。先にサインインしてください</translation>
    </message>
    <message>
        <source>{user} ({role}) may not do this ({permission}); it needs a {roles}</source>
        <translation>{user}（{role}）にはこの操作（{permission}）の権限がありません。{roles}が必要です</translation>
    </message>
    <message>
        <source>The two passwords differ</source>
        <translation>2 つのパスワードが一致しません</translation>
    </message>
    <message>
        <source>Too many failed sign-ins for this account: try again in {seconds} s</source>
        <translation>このアカウントのサインイン失敗が続いています。{seconds} 秒後にもう一度お試しください</translation>
    </message>
    <message>
        <source>Too many failed sign-ins at this station: try again in {seconds} s</source>
        <translation>このステーションでサインイン失敗が続いています。{seconds} 秒後にもう一度お試しください</translation>
    </message>
    <message>
        <source>This station has accounts already; ask a manager to add yours</source>
        <translation>このステーションにはすでにアカウントがあります。管理者に追加を依頼してください</translation>
    </message>
    <message>
        <source>Choose one of these roles: {roles}</source>
        <translation>次の役割から選んでください: {roles}</translation>
    </message>
    <message>
        <source>The user name must be 1 to 64 characters</source>
        <translation>利用者名は 1～64 文字にしてください</translation>
    </message>
    <message>
        <source>The password must be at least 8 characters</source>
        <translation>パスワードは 8 文字以上にしてください</translation>
    </message>
    <message>
        <source>The first account must be a manager (who then adds everyone else)</source>
        <translation>最初のアカウントは管理者にしてください（他の利用者は管理者が追加します）</translation>
    </message>
    <message>
        <source>There is a user &apos;{user}&apos; already</source>
        <translation>利用者「{user}」はすでにいます</translation>
    </message>
    <message>
        <source>There is no user &apos;{user}&apos;</source>
        <translation>利用者「{user}」はいません</translation>
    </message>
    <message>
        <source>{user} is the last active manager; make someone else a manager first</source>
        <translation>{user} は最後の有効な管理者です。先に別の人を管理者にしてください</translation>
    </message>
    <message>
        <source>{user} is the last active manager; the station would have no one to manage it</source>
        <translation>{user} は最後の有効な管理者です。無効にするとステーションを管理する人がいなくなります</translation>
    </message>
    <message>
        <source>Demo accounts: {names}; the password is &apos;{password}&apos;.</source>
        <translation>デモ用アカウント: {names}（パスワードは「{password}」）。</translation>
    </message>
    <message>
        <source>Fail-safe: the fewest parts before it can trip ({min_frames}) must be at most the parts looked at ({window})</source>
        <translation>フェイルセーフ: 作動までの最少部品数（{min_frames}）は対象とする部品数（{window}）以下にしてください</translation>
    </message>
    <message>
        <source>{kind} needs a camera address, number or path</source>
        <translation>{kind}にはカメラのアドレス・番号・パスが必要です</translation>
    </message>
    <message>
        <source>At least two classes are needed (one good, one defect)</source>
        <translation>分類は 2 つ以上必要です（良品 1 つ、不良 1 つ）</translation>
    </message>
    <message>
        <source>Each class needs its own key; repeated: {keys}</source>
        <translation>分類のキーは重複できません。重複: {keys}</translation>
    </message>
    <message>
        <source>No class is marked good: the station could never PASS a part. Tick &apos;Good part?&apos; for the good class</source>
        <translation>良品の分類がありません。これではどの部品も合格になりません。良品の分類の「良品？」に印を付けてください</translation>
    </message>
    <message>
        <source>Every class is marked good: the station could never FAIL a part</source>
        <translation>すべての分類が良品です。これではどの部品も不合格になりません</translation>
    </message>
    <message>
        <source>A class&apos;s key, name or prompt text is empty: fill it in on the Classes tab</source>
        <translation>分類のキー・名前・プロンプト文のどれかが空です。「分類」タブで入力してください</translation>
    </message>
    <message>
        <source>{keys}: set where the station is started ({variables}), not here. Ask IT to change it there.</source>
        <translation>{keys}: この画面ではなく、ステーションの起動環境（{variables}）で設定されています。変更は IT 担当に依頼してください。</translation>
    </message>
    <message>
        <source>Part no. {id} does not exist</source>
        <translation>部品番号 {id} はありません</translation>
    </message>
    <message>
        <source>&apos;{label}&apos; is not one of this station&apos;s classes</source>
        <translation>「{label}」はこのステーションの分類にありません</translation>
    </message>
    <message>
        <source>Part no. {id} was decided automatically ({verdict}); it is not in the queue</source>
        <translation>部品番号 {id} は自動判定済み（{verdict}）で、レビュー待ちにはありません</translation>
    </message>
    <message>
        <source>Part no. {id} has been decided already (by someone else meanwhile); it leaves the list</source>
        <translation>部品番号 {id} は（その間に別の人が）判定済みです。一覧から外します</translation>
    </message>
    <message>
        <source>Wait until the {work} has stopped: both use the station&apos;s models.</source>
        <translation>{work}が終わるまでお待ちください。どちらもステーションのモデルを使います。</translation>
    </message>
    <message>
        <source>switched off in the settings: blank frames and missing parts can pass</source>
        <translation>設定で無効: 空の画像や欠品が合格する可能性があります</translation>
    </message>
    <message>
        <source>every part goes to review: {why}</source>
        <translation>すべての部品をレビューに回します: {why}</translation>
    </message>
    <message>
        <source>reference bank of {frames} frames; {false_review:.1%} of {heldout} held-out good frames go to review</source>
        <translation>参照データ {frames} 枚。取り置いた良品 {heldout} 枚のうち {false_review:.1%} がレビューに回ります</translation>
    </message>
    <message>
        <source>reading the frames</source>
        <translation>画像を読み込んでいます</translation>
    </message>
    <message>
        <source>the reference bank cannot be used; a manager rebuilds it on the Prompts and models page</source>
        <translation>参照データが使えません。管理者が「プロンプトとモデル」ページで作り直してください</translation>
    </message>
    <message>
        <source>no reference bank yet; a manager builds one on the Prompts and models page</source>
        <translation>参照データがまだありません。管理者が「プロンプトとモデル」ページで作成してください</translation>
    </message>
    <message>
        <source>the reference bank was refused (its file does not match its record); a manager rebuilds it on the Prompts and models page</source>
        <translation>参照データを拒否しました（ファイルが記録と一致しません）。管理者が「プロンプトとモデル」ページで作り直してください</translation>
    </message>
    <message>
        <source>A reference bank needs at least 20 frames and 20 held-out frames; there are {frames} and {heldout}. Review more parts first</source>
        <translation>参照データには 20 枚以上の画像と 20 枚以上の取り置き画像が必要です（現在 {frames} 枚と {heldout} 枚）。先にもっと部品をレビューしてください</translation>
    </message>
    <message>
        <source>This station&apos;s classes are not a simulated part family: the bank is built from reviewed parts</source>
        <translation>このステーションの分類は模擬部品の品種ではありません。参照データはレビュー済みの部品から作ります</translation>
    </message>
    <message>
        <source>feature shift {loss:.3f}</source>
        <translation>特徴のずれ {loss:.3f}</translation>
    </message>
    <message>
        <source>{variant}: group {batch}/{batches}, feature shift {loss:.3f}</source>
        <translation>{variant}: グループ {batch}/{batches}、特徴のずれ {loss:.3f}</translation>
    </message>
    <message>
        <source>{variant}: defects passed {passed:.0%} ({passed_over:+.0%} over clean parts)</source>
        <translation>{variant}: 不良品の合格 {passed:.0%}（元画像より {passed_over:+.0%}）</translation>
    </message>
    <message>
        <source>similarity {similarity:.2f}, trigger size {size:.2%}</source>
        <translation>類似度 {similarity:.2f}、トリガーの大きさ {size:.2%}</translation>
    </message>
    <message>
        <source>searching for an unknown trigger {step}/{steps}: {detail}</source>
        <translation>未知のトリガーを探索中 {step}/{steps}: {detail}</translation>
    </message>
    <message>
        <source>the search for unknown triggers has finished</source>
        <translation>未知のトリガーの探索が終わりました</translation>
    </message>
    <message>
        <source>Simulated parts exist only for the demo classes: choose parts reviewed on this station, or a labelled folder</source>
        <translation>模擬部品はデモの分類にしかありません。このステーションでレビューした部品か、分類済みのフォルダーを選んでください</translation>
    </message>
    <message>
        <source>pass {epoch}/{epochs}, right on {accuracy:.0%} of the examples</source>
        <translation>{epoch}/{epochs} 回目、例の {accuracy:.0%} が正解</translation>
    </message>
    <message>
        <source>recipe (block {depth}, {tokens} tokens): held-out parts right {accuracy:.1%} (without prompts {frozen:.1%})</source>
        <translation>設定（ブロック {depth}、トークン {tokens}）: 取り置いた部品の正解率 {accuracy:.1%}（プロンプトなし {frozen:.1%}）</translation>
    </message>
    <message>
        <source>The class &apos;{name}&apos; has {have} reviewed part(s); the prompt set needs {shots} per class. Review more parts of that class, or lower &apos;Examples per class&apos;</source>
        <translation>分類「{name}」のレビュー済み部品は {have} 個です。プロンプトセットには分類ごとに {shots} 個必要です。その分類の部品をもっとレビューするか、「分類ごとの例の数」を減らしてください</translation>
    </message>
    <message>
        <source>No prompt set is live: there is nothing to go back from</source>
        <translation>使用中のプロンプトセットがないため、戻せません</translation>
    </message>
    <message>
        <source>Prompt set {id} does not exist</source>
        <translation>プロンプトセット {id} はありません</translation>
    </message>
    <message>
        <source>live inspection</source>
        <translation>ライブ検査</translation>
    </message>
    <message>
        <source>self-test</source>
        <translation>自己診断</translation>
    </message>
    <message>
        <source>prompt tuning</source>
        <translation>プロンプトの調整</translation>
    </message>
    <message>
        <source>reference bank build</source>
        <translation>参照データの作成</translation>
    </message>
    <message>
        <source>Inspecting</source>
        <translation>検査</translation>
    </message>
    <message>
        <source>Deciding reviews</source>
        <translation>レビューの判定</translation>
    </message>
    <message>
        <source>Resetting the fail-safe</source>
        <translation>フェイルセーフの解除</translation>
    </message>
    <message>
        <source>Managing prompt sets</source>
        <translation>プロンプトセットの管理</translation>
    </message>
    <message>
        <source>Importing models</source>
        <translation>モデルの取り込み</translation>
    </message>
    <message>
        <source>Running self-tests</source>
        <translation>自己診断の実行</translation>
    </message>
    <message>
        <source>Building the input gate</source>
        <translation>入力ゲートの作成</translation>
    </message>
    <message>
        <source>Changing settings</source>
        <translation>設定の変更</translation>
    </message>
    <message>
        <source>Trusting plant keys</source>
        <translation>工場の鍵の信頼</translation>
    </message>
    <message>
        <source>Managing users</source>
        <translation>利用者の管理</translation>
    </message>
    <message>
        <source>Reading the audit trail</source>
        <translation>監査ログの閲覧</translation>
    </message>
    <message>
        <source> or </source>
        <translation>または</translation>
    </message>
</context>
<context>
    <name>PackConfirmDialog</name>
    <message numerus="yes">
        <source>&lt;b&gt;%n setting(s) of this station would change.&lt;/b&gt; Read them before you import: lower thresholds, a weaker fail-safe or a defect class made good let bad parts pass.</source>
        <translation>
            <numerusform>&lt;b&gt;このステーションの設定が %n 件変更されます。&lt;/b&gt;取り込む前に必ず確認してください。しきい値の引き下げ、フェイルセーフの緩和、不良クラスを良品扱いにする変更は、不良品の流出につながります。</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;The pack changes none of this station&apos;s settings.&lt;/b&gt;</source>
        <translation>&lt;b&gt;このパックはステーションの設定を変更しません。&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;This pack is OLDER than the last one this station took from the same signer (sequence {sequence}, last {last}).&lt;/b&gt; Importing it goes back to older settings and models. </source>
        <translation>&lt;b&gt;このパックは、同じ署名者から前回取り込んだものより古いものです（通し番号 {sequence}、前回 {last}）。&lt;/b&gt;取り込むと古い設定とモデルに戻ります。</translation>
    </message>
    <message>
        <source>Settings it would change:</source>
        <translation>変更される設定:</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>Import and change these settings</source>
        <translation>取り込んでこれらの設定を変更</translation>
    </message>
    <message>
        <source>Import this older pack</source>
        <translation>この古いパックを取り込む</translation>
    </message>
</context>
<context>
    <name>PackImport</name>
    <message>
        <source>Import a station pack</source>
        <translation>ステーションパックの取り込み</translation>
    </message>
</context>
<context>
    <name>PackImporter</name>
    <message>
        <source>Station pack</source>
        <translation>ステーションパック</translation>
    </message>
    <message>
        <source>Station packs (*.pack *.stationpack *.zip);;All files (*)</source>
        <translation>ステーションパック (*.pack *.stationpack *.zip);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Checking the pack&apos;s signature and every file&apos;s sha256: {path}</source>
        <translation>パックの署名と全ファイルの sha256 を確認しています: {path}</translation>
    </message>
    <message>
        <source>Importing {file} ...</source>
        <translation>{file} を取り込んでいます…</translation>
    </message>
    <message numerus="yes">
        <source>Imported {file}, signed by {signer}; %n setting(s) changed. Restart the station to use its model, prompt set and settings.</source>
        <translation>
            <numerusform>{file}（署名者: {signer}）を取り込みました。設定を %n 件変更しました。モデル、プロンプトセット、設定を使うにはステーションを再起動してください。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Pages</name>
    <message>
        <source>Live inspection</source>
        <translation>ライブ検査</translation>
    </message>
    <message>
        <source>Prompts and models</source>
        <translation>プロンプトとモデル</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>レビュー待ち</translation>
    </message>
    <message>
        <source>Self-tests</source>
        <translation>自己診断</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Users and audit</source>
        <translation>利用者と監査ログ</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>製品</translation>
    </message>
</context>
<context>
    <name>Products</name>
    <message>
        <source>not measured</source>
        <translation>測定なし</translation>
    </message>
    <message>
        <source>Photos in {folder}: {usable} usable, in {classes} classes</source>
        <translation>{folder} の写真: 使用可能 {usable} 枚、{classes} クラス</translation>
    </message>
    <message>
        <source>(good)</source>
        <translation>（良品）</translation>
    </message>
    <message>
        <source>(too few to learn, under {min}: all held out, to test the good-parts check)</source>
        <translation>（学習には少なすぎます。{min} 枚未満: すべて評価用に残し、良品の記憶がこの種類を止めるかを確かめます）</translation>
    </message>
    <message>
        <source>sizes: {small} to {large} px</source>
        <translation>サイズ: {small} ～ {large} px</translation>
    </message>
    <message>
        <source>{n} unreadable, left out:</source>
        <translation>読めない写真 {n} 枚（除外）:</translation>
    </message>
    <message>
        <source>{n} exact duplicates, counted once:</source>
        <translation>完全に同じ写真 {n} 枚（1 枚として数えます）:</translation>
    </message>
    <message>
        <source>{n} filed under more than one class, left out:</source>
        <translation>複数のクラスに入っている写真 {n} 枚（除外）:</translation>
    </message>
    <message>
        <source>{n} smaller than {side} px on a side, left out:</source>
        <translation>一辺が {side} px 未満の写真 {n} 枚（除外）:</translation>
    </message>
    <message>
        <source>... and {n} more</source>
        <translation>... ほか {n} 件</translation>
    </message>
    <message>
        <source>{n} groups of near duplicates ({photos} photos): each group stays in one part of the split</source>
        <translation>ほぼ同じ写真のグループ {n} 組（{photos} 枚）: 各グループは分割の同じ側に置きます</translation>
    </message>
    <message>
        <source>no acceptance report</source>
        <translation>受け入れ報告書なし</translation>
    </message>
    <message>
        <source>Defective parts passed: {escapes} of {defects} (95% upper bound {bound})</source>
        <translation>合格にした不良品: {defects} 個中 {escapes} 個（95% 上限 {bound}）</translation>
    </message>
    <message>
        <source>Good parts failed: {fails} of {goods} ({share})</source>
        <translation>不合格にした良品: {goods} 個中 {fails} 個（{share}）</translation>
    </message>
    <message>
        <source>Sent to review: {reviews} of {photos} ({share})</source>
        <translation>目視確認へ: {photos} 枚中 {reviews} 枚（{share}）</translation>
    </message>
    <message>
        <source>Not measured: {what}</source>
        <translation>測定できなかったもの: {what}</translation>
    </message>
</context>
<context>
    <name>ProductsPage</name>
    <message>
        <source>Product</source>
        <translation>製品</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>レシピ</translation>
    </message>
    <message>
        <source>Signed by</source>
        <translation>署名者</translation>
    </message>
    <message>
        <source>Passed defects</source>
        <translation>見逃した不良</translation>
    </message>
    <message>
        <source>To review</source>
        <translation>目視確認へ</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>Acceptance report ...</source>
        <translation>受け入れ報告書 ...</translation>
    </message>
    <message>
        <source>Sign the acceptance ...</source>
        <translation>受け入れに署名 ...</translation>
    </message>
    <message>
        <source>Make live (changeover) ...</source>
        <translation>使用開始（品種切替） ...</translation>
    </message>
    <message>
        <source>No product ...</source>
        <translation>製品なし ...</translation>
    </message>
    <message>
        <source>Back to the classes of the settings</source>
        <translation>設定のクラスに戻す</translation>
    </message>
    <message>
        <source>Recipe number ...</source>
        <translation>レシピ番号 ...</translation>
    </message>
    <message>
        <source>The number a PLC selects the product by</source>
        <translation>PLC が製品を選ぶ番号</translation>
    </message>
    <message>
        <source>a folder with one sub-folder of photos per class</source>
        <translation>クラスごとに写真のサブフォルダーがあるフォルダー</translation>
    </message>
    <message>
        <source>Browse ...</source>
        <translation>参照 ...</translation>
    </message>
    <message>
        <source>letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;-&apos;</source>
        <translation>英字・数字・&apos;.&apos;・&apos;_&apos;・&apos;-&apos;</translation>
    </message>
    <message>
        <source>Tune the vision model&apos;s prompts for it (slower)</source>
        <translation>この製品用に画像モデルのプロンプトを調整する（時間がかかります）</translation>
    </message>
    <message>
        <source>1. Check the photos</source>
        <translation>1. 写真を確認</translation>
    </message>
    <message>
        <source>2. Onboard</source>
        <translation>2. 登録</translation>
    </message>
    <message>
        <source>Class names ...</source>
        <translation>クラス名 ...</translation>
    </message>
    <message>
        <source>What the photo check finds shows here, before anything is trained.</source>
        <translation>写真の確認結果は、学習の前にここに表示されます。</translation>
    </message>
    <message>
        <source>A new product, or a new version of one, from labelled photos. The photos are checked first; the acceptance report comes at the end.</source>
        <translation>ラベル付きの写真から新しい製品（または新しい版）を登録します。まず写真を確認し、最後に受け入れ報告書を作ります。</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Good parts&apos; folder</source>
        <translation>良品のフォルダー</translation>
    </message>
    <message>
        <source>Product name</source>
        <translation>製品名</translation>
    </message>
    <message>
        <source>in English</source>
        <translation>英語</translation>
    </message>
    <message>
        <source>in Japanese</source>
        <translation>日本語</translation>
    </message>
    <message>
        <source>Names for people</source>
        <translation>表示名</translation>
    </message>
    <message>
        <source>Versions and changeover</source>
        <translation>版と品種切替</translation>
    </message>
    <message>
        <source>Ready: name the classes for people if you like (Class names ...), then press Onboard.</source>
        <translation>準備完了: 必要ならクラスに名前を付け（クラス名 ...）、「2. 登録」を押してください。</translation>
    </message>
    <message>
        <source>Second check&apos;s training passes</source>
        <translation>第二検査の学習回数</translation>
    </message>
    <message>
        <source>Onboard a product</source>
        <translation>製品の登録</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>製品</translation>
    </message>
    <message>
        <source>&lt;b&gt;Live product&lt;/b&gt;: {label}</source>
        <translation>&lt;b&gt;使用中の製品&lt;/b&gt;: {label}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Live product&lt;/b&gt;: none, the classes of the settings</source>
        <translation>&lt;b&gt;使用中の製品&lt;/b&gt;: なし（設定のクラス）</translation>
    </message>
    <message>
        <source>not signed</source>
        <translation>未署名</translation>
    </message>
    <message>
        <source>LIVE</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>The plant&apos;s newer {name}, if it has one, was not taken at the changeover: {why}</source>
        <translation>段取り替えの際、工場にある {name} の新しい版（あれば）は取り込まれませんでした: {why}</translation>
    </message>
    <message>
        <source>&lt;b&gt;From the plant&lt;/b&gt;, taken at the changeover: {labels}. Read its acceptance report and sign it before it can go live.</source>
        <translation>&lt;b&gt;工場から&lt;/b&gt;段取り替えの際に取り込みました: {labels}。使用する前に受け入れ報告書を読み、署名してください。</translation>
    </message>
    <message>
        <source>Pick a product version in the list first.</source>
        <translation>先に一覧から製品の版を選んでください。</translation>
    </message>
    <message>
        <source>Sign the acceptance</source>
        <translation>受け入れに署名</translation>
    </message>
    <message>
        <source>Sign the acceptance report of {label} in your name? Read it first (Acceptance report ...): only a signed version can go live.</source>
        <translation>{label} の受け入れ報告書にあなたの名前で署名しますか？ 先に報告書（受け入れ報告書 ...）を読んでください。署名済みの版だけが検査に使えます。</translation>
    </message>
    <message>
        <source>{result}: signed.</source>
        <translation>{result}: 署名しました。</translation>
    </message>
    <message>
        <source>Changeover</source>
        <translation>品種切替</translation>
    </message>
    <message>
        <source>Make {label} the live product? From the next part on, the station judges with its classes, checks and thresholds; parts already taken are judged by the product before.</source>
        <translation>{label} を使用中の製品にしますか？ 次の部品からこの製品のクラス・検査・しきい値で判定します。撮影済みの部品は切替前の製品で判定します。</translation>
    </message>
    <message>
        <source>{result} is live.</source>
        <translation>{result} で検査しています。</translation>
    </message>
    <message>
        <source>Inspect the classes of the settings again, with no product live?</source>
        <translation>製品を使わず、設定のクラスで検査に戻しますか？</translation>
    </message>
    <message>
        <source>No product is live.</source>
        <translation>使用中の製品はありません。</translation>
    </message>
    <message>
        <source>Recipe number</source>
        <translation>レシピ番号</translation>
    </message>
    <message>
        <source>The number a PLC writes to select {name} (0: none):</source>
        <translation>PLC が {name} を選ぶときに書き込む番号（0: なし）:</translation>
    </message>
    <message>
        <source>Folder of photos</source>
        <translation>写真のフォルダー</translation>
    </message>
    <message>
        <source>Choose the folder of photos first: one sub-folder per class, one of them the good parts.</source>
        <translation>先に写真のフォルダーを選んでください。クラスごとのサブフォルダーで、そのひとつが良品です。</translation>
    </message>
    <message>
        <source>The folder {folder} does not exist: check the path, or choose it with Browse.</source>
        <translation>フォルダ {folder} がありません。パスを確認するか、「参照」で選んでください。</translation>
    </message>
    <message>
        <source>{folder} holds no sub-folders of photos: it needs one sub-folder per class, named by the class (good, scratch, ...).</source>
        <translation>{folder} には写真のサブフォルダがありません。クラスごとに、クラス名のサブフォルダ（good、scratch など）が必要です。</translation>
    </message>
    <message>
        <source>Checking the photos ...</source>
        <translation>写真を確認しています ...</translation>
    </message>
    <message>
        <source>Cannot onboard these photos yet:</source>
        <translation>この写真ではまだ登録できません:</translation>
    </message>
    <message>
        <source>Onboarding {name} ...</source>
        <translation>{name} を登録しています ...</translation>
    </message>
    <message>
        <source>Cancelled: nothing was recorded.</source>
        <translation>中止しました。何も記録していません。</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Cancelling ...</source>
        <translation>キャンセルしています…</translation>
    </message>
</context>
<context>
    <name>Prompts</name>
    <message>
        <source>accuracy on its examples {accuracy}</source>
        <translation>学習例での正解率 {accuracy}</translation>
    </message>
    <message>
        <source>tuned in {seconds} s</source>
        <translation>調整時間 {seconds} 秒</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>the demo&apos;s own CNN (no weights shared with CLIP)</source>
        <translation>デモ専用の CNN（CLIP と重みを共有しない）</translation>
    </message>
    <message>
        <source>a linear probe on the vision model&apos;s features</source>
        <translation>画像モデルの特徴に対する線形分類器</translation>
    </message>
    <message>
        <source>a TorchScript model</source>
        <translation>TorchScript モデル</translation>
    </message>
    <message>
        <source>an ONNX model</source>
        <translation>ONNX モデル</translation>
    </message>
    <message>
        <source>OFF</source>
        <translation>オフ</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>閉</translation>
    </message>
    <message>
        <source>on</source>
        <translation>オン</translation>
    </message>
    <message>
        <source>&lt;b&gt;Input gate&lt;/b&gt;: {state}: {detail}</source>
        <translation>&lt;b&gt;入力ゲート&lt;/b&gt;: {state}: {detail}</translation>
    </message>
</context>
<context>
    <name>PromptsPage</name>
    <message>
        <source>Id</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <source>Tokens per block</source>
        <translation>ブロックあたりのトークン数</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>品質</translation>
    </message>
    <message>
        <source>Tokens per block</source>
        <comment>column</comment>
        <translation>トークン数</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>Make selected live ...</source>
        <translation>選択したものを使用…</translation>
    </message>
    <message>
        <source>Go back to the previous one ...</source>
        <translation>前のものに戻す…</translation>
    </message>
    <message>
        <source>Make it live when done</source>
        <translation>完了したら使用を開始する</translation>
    </message>
    <message>
        <source>Choose the depth, tokens and strength on held-out parts (tries four recipes; slower)</source>
        <translation>深さ・トークン数・強さを取り置いた部品で選ぶ（4 通りを試すため時間がかかります）</translation>
    </message>
    <message>
        <source>Tune from reviewed parts</source>
        <translation>レビュー済み部品から調整</translation>
    </message>
    <message>
        <source>Examples per class</source>
        <translation>クラスごとの例数</translation>
    </message>
    <message>
        <source>First prompted block (of {depth})</source>
        <translation>プロンプトを入れる最初のブロック（全 {depth}）</translation>
    </message>
    <message>
        <source>Passes over the examples</source>
        <translation>学習の繰り返し回数</translation>
    </message>
    <message>
        <source>Import a model file ...</source>
        <translation>モデルファイルを取り込む…</translation>
    </message>
    <message>
        <source>Import a station pack ...</source>
        <translation>ステーションパックを取り込む…</translation>
    </message>
    <message>
        <source>A signed pack from another station: its model, prompt set and settings. The settings it changes are shown before anything is imported.</source>
        <translation>別のステーションの署名付きパック（モデル、プロンプトセット、設定）。取り込む前に、変更される設定が表示されます。</translation>
    </message>
    <message>
        <source>Rebuild the input gate&apos;s reference bank</source>
        <translation>入力ゲートの参照データを作り直す</translation>
    </message>
    <message>
        <source>From every reviewed part (and generated parts on the demo model); calibrated on held-out frames. Takes a minute or two.</source>
        <translation>レビュー済みの全部品（デモモデルでは生成した部品も）から作成し、検証用の画像で較正します。1～2分かかります。</translation>
    </message>
    <message>
        <source>{name} v{version} (id {id})</source>
        <translation>{name} v{version}（番号 {id}）</translation>
    </message>
    <message>
        <source>none: the vision model runs without a defence</source>
        <translation>なし: 画像モデルは防御なしで動作しています</translation>
    </message>
    <message>
        <source>&lt;b&gt;Vision model&lt;/b&gt;: {arch} ({file}, fingerprint {fingerprint})&lt;br&gt;&lt;b&gt;Second check&lt;/b&gt;: {check_b}&lt;br&gt;&lt;b&gt;Live prompt set&lt;/b&gt;: {live}</source>
        <translation>&lt;b&gt;画像モデル&lt;/b&gt;: {arch}（{file}、指紋 {fingerprint}）&lt;br&gt;&lt;b&gt;第2判定&lt;/b&gt;: {check_b}&lt;br&gt;&lt;b&gt;使用中のプロンプトセット&lt;/b&gt;: {live}</translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>同梱</translation>
    </message>
    <message>
        <source>(made for another model)</source>
        <translation>（別のモデル用）</translation>
    </message>
    <message>
        <source>LIVE</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>Prompt sets</source>
        <translation>プロンプトセット</translation>
    </message>
    <message>
        <source>A new prompt set: a defence against a tampered vision model, tuned on reviewed parts.</source>
        <translation>新しいプロンプトセット: 改ざんされた画像モデルへの防御。レビュー済みの部品で調整します。</translation>
    </message>
    <message>
        <source>A CLIP checkpoint from your supplier, checked and recorded before the station uses it.</source>
        <translation>供給元の CLIP チェックポイント。ステーションで使う前に検査して記録します。</translation>
    </message>
    <message>
        <source>The reference bank is built from every reviewed part (and generated parts on the demo model) and calibrated on held-out frames. It takes a minute or two.</source>
        <translation>参照データはレビュー済みのすべての部品（デモモデルでは生成した部品も）から作り、取り置いた画像で較正します。1～2 分かかります。</translation>
    </message>
    <message>
        <source>Tune a new set</source>
        <translation>新しいセットを調整</translation>
    </message>
    <message>
        <source>Models, packs and input gate</source>
        <translation>モデル・パック・入力ゲート</translation>
    </message>
    <message>
        <source>Pick a prompt set in the list first.</source>
        <translation>先に一覧からプロンプトセットを選んでください。</translation>
    </message>
    <message>
        <source>Make live</source>
        <translation>使用開始</translation>
    </message>
    <message>
        <source>Make &apos;{label}&apos; the live prompt set? Every part from now on is judged with it.</source>
        <translation>「{label}」を使用中のプロンプトセットにしますか？今後のすべての部品はこれで判定されます。</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Go back to the prompt set that was live before this one?</source>
        <translation>この前に使用していたプロンプトセットに戻しますか？</translation>
    </message>
    <message>
        <source>Collecting reviewed parts ...</source>
        <translation>レビュー済みの部品を集めています…</translation>
    </message>
    <message>
        <source>Prompt set</source>
        <translation>プロンプトセット</translation>
    </message>
    <message>
        <source>&apos;{label}&apos; is ready and live.</source>
        <translation>「{label}」の準備ができ、使用を開始しました。</translation>
    </message>
    <message>
        <source>&apos;{label}&apos; is ready. Select it and press &apos;Make selected live&apos;.</source>
        <translation>「{label}」の準備ができました。選択して「選択したものを使用」を押してください。</translation>
    </message>
    <message>
        <source>Prompt tuning</source>
        <translation>プロンプトの調整</translation>
    </message>
    <message>
        <source>Input gate</source>
        <translation>入力ゲート</translation>
    </message>
    <message>
        <source>Collecting frames for the reference bank ...</source>
        <translation>参照データ用の画像を集めています…</translation>
    </message>
    <message>
        <source>Reference bank v{version} is live: {frames} frames, {share} of held-out clean frames sent to review.</source>
        <translation>参照データ v{version} を使用開始しました: {frames} 枚。検証用の正常画像のうち {share} がレビューに回されます。</translation>
    </message>
    <message>
        <source>Import a model</source>
        <translation>モデルの取り込み</translation>
    </message>
    <message>
        <source>Imported {arch} to {dest}. It is used from the next start of the station.</source>
        <translation>{arch} を {dest} に取り込みました。次回のステーション起動時から使用されます。</translation>
    </message>
    <message>
        <source>Imported {arch} to {dest}.</source>
        <translation>{arch} を {dest} に取り込みました。</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>manual mode is on</source>
        <translation>手動モード中</translation>
    </message>
    <message>
        <source>the two checks disagree</source>
        <translation>2つの判定が一致しない</translation>
    </message>
    <message>
        <source>the vision model is unsure</source>
        <translation>画像モデルの確信度が低い</translation>
    </message>
    <message>
        <source>the second check is unsure</source>
        <translation>第2判定の確信度が低い</translation>
    </message>
    <message>
        <source>the second check finds it unlike every good part it learned (a defect it has not seen?)</source>
        <translation>第二検査が学習したどの良品とも似ていません（未知の不良の可能性）</translation>
    </message>
    <message>
        <source>no whole part like this station&apos;s is in view (no part / unfamiliar frame)</source>
        <translation>このステーションの部品が丸ごと写っていない（部品なし／見慣れない画像）</translation>
    </message>
    <message>
        <source>the vision model gave no valid answer</source>
        <translation>画像モデルが有効な答えを返さなかった</translation>
    </message>
    <message>
        <source>the second check gave no valid answer</source>
        <translation>第2判定が有効な答えを返さなかった</translation>
    </message>
    <message>
        <source>the checks could not run on this picture</source>
        <translation>この画像では判定を実行できなかった</translation>
    </message>
    <message>
        <source>manual mode</source>
        <translation>手動モード</translation>
    </message>
    <message>
        <source>checks disagree</source>
        <translation>判定が不一致</translation>
    </message>
    <message>
        <source>vision model unsure</source>
        <translation>画像モデルの確信度不足</translation>
    </message>
    <message>
        <source>second check unsure</source>
        <translation>第2判定の確信度不足</translation>
    </message>
    <message>
        <source>unlike good parts</source>
        <translation>良品と異なる</translation>
    </message>
    <message>
        <source>no whole part in view</source>
        <translation>部品が丸ごと写っていない</translation>
    </message>
    <message>
        <source>vision model broken</source>
        <translation>画像モデルの故障</translation>
    </message>
    <message>
        <source>second check broken</source>
        <translation>第2判定の故障</translation>
    </message>
    <message>
        <source>checks failed</source>
        <translation>判定の失敗</translation>
    </message>
    <message>
        <source>To check by hand: {reasons}</source>
        <translation>要確認の理由: {reasons}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source> and </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Sent to the review queue: {reasons}.</source>
        <translation>レビュー待ちに回しました: {reasons}。</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>さらに読み込む</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>部品</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>時刻</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Nothing selected</source>
        <translation>選択されていません</translation>
    </message>
    <message>
        <source>Loading ...</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <source>Could not read the queue: {message}</source>
        <translation>レビュー待ちを読み込めませんでした: {message}</translation>
    </message>
    <message>
        <source>More than {count} parts waiting</source>
        <translation>レビュー待ち {count} 件超</translation>
    </message>
    <message numerus="yes">
        <source>%n part(s) waiting</source>
        <translation>
            <numerusform>レビュー待ち %n 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> - %n decided now</source>
        <translation>
            <numerusform> - 今回 %n 件判定済み</numerusform>
        </translation>
    </message>
    <message>
        <source>The queue is empty.</source>
        <translation>レビュー待ちはありません。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Part no. {id}&lt;/b&gt; ({at})&lt;br&gt;Vision model: &lt;b&gt;{label_a}&lt;/b&gt; ({conf_a} sure)&lt;br&gt;Second check: &lt;b&gt;{label_b}&lt;/b&gt; ({conf_b} sure)&lt;br&gt;{reasons}</source>
        <translation>&lt;b&gt;部品番号 {id}&lt;/b&gt;（{at}）&lt;br&gt;画像モデル: &lt;b&gt;{label_a}&lt;/b&gt;（確信度 {conf_a}）&lt;br&gt;第2判定: &lt;b&gt;{label_b}&lt;/b&gt;（確信度 {conf_b}）&lt;br&gt;{reasons}</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>レビュー</translation>
    </message>
    <message>
        <source>The decision was not saved: {error}</source>
        <translation>判定は保存されませんでした: {error}</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Operator (runs the line)</source>
        <translation>オペレーター（ラインを運転）</translation>
    </message>
    <message>
        <source>Reviewer (decides the review queue)</source>
        <translation>レビュー担当（レビュー待ちを判定）</translation>
    </message>
    <message>
        <source>Manager (everything)</source>
        <translation>管理者（すべての操作）</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>オペレーター</translation>
    </message>
    <message>
        <source>reviewer</source>
        <translation>レビュー担当</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>管理者</translation>
    </message>
</context>
<context>
    <name>RunDialog</name>
    <message>
        <source>Self-test run {id}</source>
        <translation>自己診断の実行 {id}</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>部品</translation>
    </message>
    <message>
        <source>True class</source>
        <translation>正しいクラス</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>試験</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Clean</source>
        <translation>元画像</translation>
    </message>
    <message>
        <source>Attacked</source>
        <translation>攻撃後</translation>
    </message>
    <message>
        <source>Change, magnified</source>
        <translation>差分（拡大）</translation>
    </message>
    <message>
        <source>Clean: {clean} (vision model {clean_a}, second check {clean_b}).  Attacked: {attacked} (vision model {attacked_a}, second check {attacked_b}).</source>
        <translation>元画像: {clean}（画像モデル {clean_a}、第2判定 {clean_b}）。 攻撃後: {attacked}（画像モデル {attacked_a}、第2判定 {attacked_b}）。</translation>
    </message>
    <message>
        <source>Clean answer: {clean}; with the trigger: {triggered}</source>
        <translation>元画像の答え: {clean}、トリガーあり: {triggered}</translation>
    </message>
    <message>
        <source>Left: a clean frame with the inverted trigger; middle: the trigger (mask x pattern); right: its mask.</source>
        <translation>左: 推定したトリガーを付けた正常画像、中央: トリガー（マスク×パターン）、右: そのマスク。</translation>
    </message>
</context>
<context>
    <name>ScheduleNotice</name>
    <message>
        <source>Self-test overdue: tell a quality manager. </source>
        <translation>自己診断の期限切れ: 品質管理者に連絡してください。 </translation>
    </message>
    <message>
        <source>Self-test due. </source>
        <translation>自己診断の実施時期です。 </translation>
    </message>
    <message>
        <source>attack test (PRM)</source>
        <translation>攻撃試験 (PRM)</translation>
    </message>
    <message>
        <source>backdoor probe</source>
        <translation>バックドア検査</translation>
    </message>
    <message>
        <source>{name}: not scheduled</source>
        <translation>{name}: 定期実行なし</translation>
    </message>
    <message>
        <source>never</source>
        <translation>未実施</translation>
    </message>
    <message>
        <source>{name}: next due {when} (every {days} days; last {last})</source>
        <translation>{name}: 次回 {when}（{days} 日ごと、前回 {last}）</translation>
    </message>
    <message>
        <source>{name}: due since {when} (every {days} days; last {last})</source>
        <translation>{name}: {when} から実施時期（{days} 日ごと、前回 {last}）</translation>
    </message>
    <message>
        <source>{name}: OVERDUE since {when} (every {days} days; last {last})</source>
        <translation>{name}: {when} から期限切れ（{days} 日ごと、前回 {last}）</translation>
    </message>
    <message numerus="yes">
        <source>(%n later run(s) did not bite: they do not count)</source>
        <translation>
            <numerusform>（その後の %n 回は攻撃が効かず、数えません）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SelftestPage</name>
    <message>
        <source>Start attack test</source>
        <translation>攻撃試験を開始</translation>
    </message>
    <message>
        <source>Attack on</source>
        <translation>攻撃対象</translation>
    </message>
    <message>
        <source>Strengths (1/255 steps, e.g. 4,8,16)</source>
        <translation>強さ（1/255 単位、例: 4,8,16）</translation>
    </message>
    <message>
        <source>Steps per attack</source>
        <translation>攻撃あたりの反復回数</translation>
    </message>
    <message>
        <source>Parts</source>
        <translation>部品数</translation>
    </message>
    <message>
        <source>Parts from</source>
        <translation>部品の出所</translation>
    </message>
    <message>
        <source>Also search for triggers of unknown kinds (trigger inversion; seconds for the demo model)</source>
        <translation>未知の種類のトリガーも探す（トリガー逆推定、デモモデルでは数秒）</translation>
    </message>
    <message>
        <source>Start backdoor probe</source>
        <translation>バックドア検査を開始</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>実行</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始日時</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>試験</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Open run</source>
        <translation>実行結果を開く</translation>
    </message>
    <message>
        <source>Export report ...</source>
        <translation>報告書を書き出す…</translation>
    </message>
    <message>
        <source>Attack test trend</source>
        <translation>攻撃試験の推移</translation>
    </message>
    <message>
        <source>Oldest left; hatched: an attack that did not bite, which says nothing.</source>
        <translation>左が古い順。斜線: 攻撃が効かなかった実行（判断材料になりません）。</translation>
    </message>
    <message>
        <source>History (double-click a run to open it)</source>
        <translation>履歴（ダブルクリックで実行結果を開く）</translation>
    </message>
    <message>
        <source>Held-out photos of {product}</source>
        <translation>{product} の評価用写真（学習に使っていないもの）</translation>
    </message>
    <message>
        <source>Could not read the self-test history: {message}</source>
        <translation>セルフテストの履歴を読み込めませんでした: {message}</translation>
    </message>
    <message>
        <source>{ineffective}: the vision model&apos;s answers barely moved, so these outcomes are no evidence</source>
        <translation>{ineffective}: 画像モデルの答えがほとんど変わらなかったため、この結果は根拠になりません</translation>
    </message>
    <message>
        <source>Labelled folder (one sub-folder per class)</source>
        <translation>ラベル付きフォルダー（クラスごとにサブフォルダー）</translation>
    </message>
    <message>
        <source>Folder: {name}</source>
        <translation>フォルダー: {name}</translation>
    </message>
    <message>
        <source>Attack test</source>
        <translation>攻撃試験</translation>
    </message>
    <message>
        <source>Starting the attack test ...</source>
        <translation>攻撃試験を開始しています…</translation>
    </message>
    <message>
        <source>Starting the backdoor probe ...</source>
        <translation>バックドア検査を開始しています…</translation>
    </message>
    <message>
        <source>A self-test is running already.</source>
        <translation>自己診断はすでに実行中です。</translation>
    </message>
    <message>
        <source>Self-tests</source>
        <translation>自己診断</translation>
    </message>
    <message>
        <source>Self-test</source>
        <translation>自己診断</translation>
    </message>
    <message>
        <source>The self-test stopped: {message}</source>
        <translation>自己診断が停止しました: {message}</translation>
    </message>
    <message>
        <source>Attack test (PRM)</source>
        <translation>攻撃試験 (PRM)</translation>
    </message>
    <message>
        <source>Could someone holding the public vision model make this station pass bad parts?</source>
        <translation>公開されている画像モデルを持つ人が、このステーションに不良品を合格させられるか？</translation>
    </message>
    <message>
        <source>Do small stickers, patterns or warps flip the vision model&apos;s answer?</source>
        <translation>小さなシール・模様・ゆがみで画像モデルの答えが変わるか？</translation>
    </message>
    <message>
        <source>Backdoor probe</source>
        <translation>バックドア検査</translation>
    </message>
    <message>
        <source>defects passed</source>
        <translation>不良品の合格</translation>
    </message>
    <message>
        <source>wrong, not noticed</source>
        <translation>誤判定（見逃し）</translation>
    </message>
    <message>
        <source>sent to review</source>
        <translation>レビューに回付</translation>
    </message>
    <message>
        <source>vision model right under attack</source>
        <translation>攻撃下での画像モデル正解</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>報告書</translation>
    </message>
    <message>
        <source>Pick a run in the history first.</source>
        <translation>先に履歴から実行結果を選んでください。</translation>
    </message>
    <message>
        <source>Save report</source>
        <translation>報告書の保存</translation>
    </message>
    <message>
        <source>HTML (*.html)</source>
        <translation>HTML (*.html)</translation>
    </message>
    <message>
        <source>Report saved to {path}</source>
        <translation>報告書を保存しました: {path}</translation>
    </message>
</context>
<context>
    <name>Selftests</name>
    <message>
        <source>Generated parts (simulated)</source>
        <translation>生成した部品（シミュレーション）</translation>
    </message>
    <message>
        <source>Parts reviewed on this station</source>
        <translation>このステーションでレビュー済みの部品</translation>
    </message>
    <message>
        <source>Labelled folder ...</source>
        <translation>ラベル付きフォルダー…</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>attack ineffective</source>
        <translation>攻撃が効かず</translation>
    </message>
    <message>
        <source>with prompts</source>
        <translation>プロンプトあり</translation>
    </message>
    <message>
        <source>without prompts</source>
        <translation>プロンプトなし</translation>
    </message>
    <message>
        <source>right</source>
        <translation>正解</translation>
    </message>
    <message>
        <source>sent to review</source>
        <translation>レビューに回付</translation>
    </message>
    <message>
        <source>wrong, not noticed</source>
        <translation>誤判定（見逃し）</translation>
    </message>
    <message>
        <source>DEFECT PASSED</source>
        <translation>不良品が合格</translation>
    </message>
    <message>
        <source>changed by trigger</source>
        <translation>トリガーで変化</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>変化なし</translation>
    </message>
    <message>
        <source>anywhere</source>
        <translation>任意の位置</translation>
    </message>
    <message>
        <source>in a corner</source>
        <translation>隅</translation>
    </message>
    <message>
        <source>in the centre</source>
        <translation>中央</translation>
    </message>
    <message>
        <source>attack ineffective: this run says nothing about the station</source>
        <translation>攻撃が効かず: この実行はステーションについて何も示しません</translation>
    </message>
    <message>
        <source>checkerboard sticker, {size} of the side, {where}</source>
        <translation>市松模様のシール（一辺の {size}、{where}）</translation>
    </message>
    <message>
        <source>logo sticker, {size} of the side, {where}</source>
        <translation>ロゴのシール（一辺の {size}、{where}）</translation>
    </message>
    <message>
        <source>pattern blended in at {size}</source>
        <translation>模様の重ね合わせ（{size}）</translation>
    </message>
    <message>
        <source>slight warp, strength {size}</source>
        <translation>わずかなゆがみ（強さ {size}）</translation>
    </message>
    <message>
        <source>trigger found by the search (without prompts)</source>
        <translation>探索で見つけたトリガー（プロンプトなし）</translation>
    </message>
    <message>
        <source>strength {strength}</source>
        <translation>強さ {strength}</translation>
    </message>
    <message>
        <source>trigger search: not run</source>
        <translation>トリガー探索: 未実施</translation>
    </message>
    <message>
        <source>the smallest trigger that flips the model covers {size} of the picture</source>
        <translation>モデルの答えを変える最小のトリガーは画像の {size}</translation>
    </message>
    <message>
        <source>no trigger found in {steps} steps</source>
        <translation>{steps} 回の反復でトリガーは見つからず</translation>
    </message>
    <message>
        <source>trigger search: {found}; not calibrated, so no verdict</source>
        <translation>トリガー探索: {found}。較正がないため判定なし</translation>
    </message>
    <message>
        <source>BACKDOOR INDICATED</source>
        <translation>バックドアの疑いあり</translation>
    </message>
    <message>
        <source>no backdoor indicated</source>
        <translation>バックドアの兆候なし</translation>
    </message>
    <message>
        <source>trigger search: {found} (threshold {threshold}, {fraction} of the clean demo model&apos;s {reference}): {verdict}</source>
        <translation>トリガー探索: {found}（しきい値 {threshold} = 正常なデモモデルの {reference} の {fraction}）: {verdict}</translation>
    </message>
    <message>
        <source>the threshold was calibrated on the clean demo model, not on this one</source>
        <translation>しきい値はこのモデルではなく正常なデモモデルで較正</translation>
    </message>
    <message>
        <source>this run&apos;s search settings differ from the calibration&apos;s</source>
        <translation>この実行の探索設定は較正時と異なる</translation>
    </message>
    <message>
        <source>({caveats}: indicative only)</source>
        <translation>（{caveats}: 参考値）</translation>
    </message>
    <message>
        <source>the vision model&apos;s input (after the station&apos;s resize)</source>
        <translation>画像モデルへの入力（ステーションの縮小後）</translation>
    </message>
    <message>
        <source>the camera picture (through the station&apos;s resize)</source>
        <translation>カメラ画像（ステーションの縮小を通す）</translation>
    </message>
    <message>
        <source>Input mode. </source>
        <translation>【入力モード】</translation>
    </message>
    <message>
        <source>Frame mode. </source>
        <translation>【カメラ画像モード】</translation>
    </message>
    <message>
        <source>each strength must be a number from 0 to 64 (in 1/255 steps of brightness), separated by commas, e.g. 4,8,16; got &apos;{text}&apos;</source>
        <translation>強さは 0 から 64 までの数値をコンマ区切りで入力してください（明るさ 1/255 単位、例: 4,8,16）。入力値:「{text}」</translation>
    </message>
    <message>
        <source>{variant}: right {correct}, to review {caught}, unnoticed {unnoticed}, defects passed {passed}</source>
        <translation>{variant}: 正解 {correct}、レビュー回付 {caught}、見逃し {unnoticed}、不良品の合格 {passed}</translation>
    </message>
    <message>
        <source>FINDING: the second check fell under an attack on the vision model while the vision model held: it is not independent</source>
        <translation>所見: 画像モデルへの攻撃で画像モデルは持ちこたえたのに第二検査が崩れました。第二検査は独立していません</translation>
    </message>
    <message>
        <source>(the vision model was right on too few of the clean parts, {clean}, to show whether it holds under attack)</source>
        <translation>（画像モデルが攻撃前の部品で正解した割合が {clean} と少なすぎ、攻撃で崩れるかどうかは分かりません）</translation>
    </message>
    <message>
        <source>whole station: {rate} of triggered defective parts passed (95% upper bound {upper}, goal 0.5%), {review} of clean parts sent to review</source>
        <translation>ステーション全体: トリガー付き不良品の合格 {rate}（95% 上限 {upper}、目標 0.5%）、正常品のレビュー回付 {review}</translation>
    </message>
    <message>
        <source>{setting}: a trigger passed up to {rate} of defects ({over}, {trigger}); any flip up to {asr} ({asr_over})</source>
        <translation>{setting}: トリガーによる不良品の合格は最大 {rate}（{over}、{trigger}）、判定の反転は最大 {asr}（{asr_over}）</translation>
    </message>
    <message>
        <source>clean baseline not recorded</source>
        <translation>正常時の基準値は未記録</translation>
    </message>
    <message>
        <source>{change} over clean</source>
        <translation>正常時比 {change}</translation>
    </message>
</context>
<context>
    <name>SettingNames</name>
    <message>
        <source>station name</source>
        <translation>ステーション名</translation>
    </message>
    <message>
        <source>database</source>
        <translation>データベース</translation>
    </message>
    <message>
        <source>database password file</source>
        <translation>データベースのパスワードファイル</translation>
    </message>
    <message>
        <source>classes</source>
        <translation>分類</translation>
    </message>
    <message>
        <source>vision model&apos;s confidence needed</source>
        <translation>画像モデルの必要な確信度</translation>
    </message>
    <message>
        <source>second check&apos;s confidence needed</source>
        <translation>第2判定の必要な確信度</translation>
    </message>
    <message>
        <source>fail-safe: parts looked at</source>
        <translation>フェイルセーフ: 対象とする部品数</translation>
    </message>
    <message>
        <source>fail-safe: share to review that trips it</source>
        <translation>フェイルセーフ: 作動するレビュー率</translation>
    </message>
    <message>
        <source>fail-safe: fewest parts before it can trip</source>
        <translation>フェイルセーフ: 作動までの最少部品数</translation>
    </message>
    <message>
        <source>camera kind</source>
        <translation>カメラの種類</translation>
    </message>
    <message>
        <source>camera address</source>
        <translation>カメラのアドレス</translation>
    </message>
    <message>
        <source>frames per second</source>
        <translation>毎秒の画像数</translation>
    </message>
    <message>
        <source>simulated camera&apos;s share of defects</source>
        <translation>模擬カメラの不良の割合</translation>
    </message>
    <message>
        <source>vision model</source>
        <translation>画像モデル</translation>
    </message>
    <message>
        <source>second check</source>
        <translation>第2判定</translation>
    </message>
    <message>
        <source>second check&apos;s file</source>
        <translation>第2判定のファイル</translation>
    </message>
    <message>
        <source>threads the checks compute with</source>
        <translation>検査の計算スレッド数</translation>
    </message>
    <message>
        <source>sign-out time</source>
        <translation>サインアウトまでの時間</translation>
    </message>
    <message>
        <source>window language</source>
        <translation>画面の言語</translation>
    </message>
    <message>
        <source>hold of a part to check by hand</source>
        <translation>要確認部品の表示時間</translation>
    </message>
    <message>
        <source>attack test interval</source>
        <translation>攻撃試験の間隔</translation>
    </message>
    <message>
        <source>backdoor probe interval</source>
        <translation>バックドア検査の間隔</translation>
    </message>
    <message>
        <source>input gate</source>
        <translation>入力ゲート</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>The system&apos;s language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>キー</translation>
    </message>
    <message>
        <source>Name people see</source>
        <translation>表示名</translation>
    </message>
    <message>
        <source>Name in Japanese</source>
        <translation>日本語の名前</translation>
    </message>
    <message>
        <source>Good part?</source>
        <translation>良品？</translation>
    </message>
    <message>
        <source>Prompt texts (separate with |)</source>
        <translation>プロンプト文（| で区切る）</translation>
    </message>
    <message>
        <source>Add class</source>
        <translation>クラスを追加</translation>
    </message>
    <message>
        <source>Remove selected class</source>
        <translation>選択したクラスを削除</translation>
    </message>
    <message>
        <source>Changes to the classes apply after a restart.</source>
        <translation>分類の変更は再起動後に有効になります。</translation>
    </message>
    <message>
        <source>Vision model: confidence needed (0.05-1)</source>
        <translation>画像モデル: 必要な確信度（0.05～1）</translation>
    </message>
    <message>
        <source>Second check: confidence needed (0.05-1)</source>
        <translation>第2判定: 必要な確信度（0.05～1）</translation>
    </message>
    <message>
        <source>Fail-safe: parts looked at</source>
        <translation>フェイルセーフ: 対象とする部品数</translation>
    </message>
    <message>
        <source>Fail-safe: share to review that trips it</source>
        <translation>フェイルセーフ: 作動するレビュー率</translation>
    </message>
    <message>
        <source>Fail-safe: fewest parts before it can trip</source>
        <translation>フェイルセーフ: 作動までの最少部品数</translation>
    </message>
    <message>
        <source>Camera kind</source>
        <translation>カメラの種類</translation>
    </message>
    <message>
        <source>Camera address, number or path</source>
        <translation>カメラのアドレス、番号、またはパス</translation>
    </message>
    <message>
        <source>Frames per second (0 = as fast as possible)</source>
        <translation>毎秒のフレーム数（0 = 最高速）</translation>
    </message>
    <message>
        <source>Simulated camera: share of defective parts</source>
        <translation>模擬カメラ: 不良品の割合</translation>
    </message>
    <message>
        <source>Sign out after this many idle minutes</source>
        <translation>無操作でサインアウトするまでの分数</translation>
    </message>
    <message>
        <source>A part to check by hand stays on the live page for ... seconds (0 = until the operator confirms)</source>
        <translation>要確認の部品をライブ画面に表示し続ける秒数（0 = オペレーターが確認するまで）</translation>
    </message>
    <message>
        <source>Attack test due every ... days (0 = not scheduled)</source>
        <translation>攻撃試験の実施間隔（日、0 = 予定なし）</translation>
    </message>
    <message>
        <source>Backdoor probe due every ... days (0 = not scheduled)</source>
        <translation>バックドア検査の実施間隔（日、0 = 予定なし）</translation>
    </message>
    <message>
        <source>Language of the window (after a restart)</source>
        <translation>画面の言語（再起動後に反映）</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>分類</translation>
    </message>
    <message>
        <source>No Japanese font is installed on this computer: the window stays in English until one is (Debian or Ubuntu: sudo apt-get install fonts-noto-cjk).</source>
        <translation>このコンピューターには日本語フォントがありません。フォントを入れるまで画面は英語のままです（Debian・Ubuntu: sudo apt-get install fonts-noto-cjk）。</translation>
    </message>
    <message>
        <source>Decisions and fail-safe</source>
        <translation>判定とフェイルセーフ</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>ステーション</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>設定を保存</translation>
    </message>
    <message>
        <source>Undo my edits</source>
        <translation>編集を元に戻す</translation>
    </message>
    <message>
        <source>good</source>
        <translation>良品</translation>
    </message>
    <message>
        <source>defect</source>
        <translation>不良</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>設定は保存されませんでした</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>変更はありません。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Saved: {changes}</source>
        <translation>保存しました: {changes}</translation>
    </message>
    <message>
        <source>These take effect after the station is restarted: {changes}</source>
        <translation>次の設定はステーションの再起動後に反映されます: {changes}</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>設定を保存しました</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>{station}: sign in</source>
        <translation>{station}: サインイン</translation>
    </message>
    <message>
        <source>&lt;b&gt;New station.&lt;/b&gt; Create the first account: a manager, who then adds everyone else.</source>
        <translation>&lt;b&gt;新しいステーションです。&lt;/b&gt;最初のアカウント（管理者）を作成してください。他の利用者は管理者が追加します。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>パスワード（確認）</translation>
    </message>
    <message>
        <source>Create and sign in</source>
        <translation>作成してサインイン</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>サインイン</translation>
    </message>
    <message>
        <source>{message}.</source>
        <translation>{message}。</translation>
    </message>
    <message>
        <source>Could not sign in: {error}</source>
        <translation>サインインできませんでした: {error}</translation>
    </message>
</context>
<context>
    <name>Sources</name>
    <message>
        <source>Simulated camera</source>
        <translation>模擬カメラ</translation>
    </message>
    <message>
        <source>Camera (device number)</source>
        <translation>カメラ（デバイス番号）</translation>
    </message>
    <message>
        <source>device number, e.g. 0</source>
        <translation>デバイス番号（例: 0）</translation>
    </message>
    <message>
        <source>Network camera (RTSP)</source>
        <translation>ネットワークカメラ (RTSP)</translation>
    </message>
    <message>
        <source>rtsp://address/stream</source>
        <translation>rtsp://アドレス/ストリーム</translation>
    </message>
    <message>
        <source>Folder of images</source>
        <translation>画像フォルダー</translation>
    </message>
    <message>
        <source>folder with .png / .jpg files</source>
        <translation>.png / .jpg ファイルのあるフォルダー</translation>
    </message>
    <message>
        <source>Video file</source>
        <translation>動画ファイル</translation>
    </message>
    <message>
        <source>video file</source>
        <translation>動画ファイル</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <source>No runs yet</source>
        <translation>まだ実行結果がありません</translation>
    </message>
    <message>
        <source>No frames in this period</source>
        <translation>この期間の画像はありません</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <source>User</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>役割</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Add user ...</source>
        <translation>利用者を追加…</translation>
    </message>
    <message>
        <source>Change role ...</source>
        <translation>役割を変更…</translation>
    </message>
    <message>
        <source>Deactivate / activate</source>
        <translation>無効化／有効化</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>利用者</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>When (UTC)</source>
        <translation>日時 (UTC)</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作者</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Check the trail for tampering</source>
        <translation>監査ログの改ざんを検査</translation>
    </message>
    <message>
        <source>Older events</source>
        <translation>さらに古い記録</translation>
    </message>
    <message>
        <source>Audit trail (newest first)</source>
        <translation>監査ログ（新しい順）</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有効</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>無効</translation>
    </message>
    <message>
        <source>Could not read the accounts and the audit trail: {message}</source>
        <translation>アカウントと監査証跡を読み込めませんでした: {message}</translation>
    </message>
    <message>
        <source>Checking every event and record...</source>
        <translation>すべての記録を検査しています…</translation>
    </message>
    <message>
        <source>All {events} events are intact; {records} records match their seals.</source>
        <translation>{events} 件の記録はすべて改ざんなし。{records} 件のデータが封印と一致しました。</translation>
    </message>
    <message>
        <source>NOT intact: {findings}</source>
        <translation>改ざんの疑いあり: {findings}</translation>
    </message>
    <message numerus="yes">
        <source>... and %n more (station audit verify lists them)</source>
        <translation>
            <numerusform>…ほか %n 件（station audit verify で一覧表示）</numerusform>
        </translation>
    </message>
    <message>
        <source>Report this to IT and quality.</source>
        <translation>IT 部門と品質部門に報告してください。</translation>
    </message>
    <message>
        <source>The check could not run: {message}</source>
        <translation>検査を実行できませんでした: {message}</translation>
    </message>
    <message>
        <source>Pick a user in the list first.</source>
        <translation>先に一覧から利用者を選んでください。</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>利用者の追加</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>役割の変更</translation>
    </message>
    <message>
        <source>New role for {user}:</source>
        <translation>{user} の新しい役割:</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>無効化</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>有効化</translation>
    </message>
    <message>
        <source>Deactivate {user}?</source>
        <translation>{user} を無効にしますか？</translation>
    </message>
    <message>
        <source>Activate {user}?</source>
        <translation>{user} を有効にしますか？</translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>CHECK BY HAND</source>
        <translation>要確認</translation>
    </message>
    <message>
        <source>WAITING</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>STOPPED</source>
        <translation>停止中</translation>
    </message>
    <message>
        <source>NOT SIGNED IN</source>
        <translation>未サインイン</translation>
    </message>
    <message>
        <source>WAITING FOR A PART</source>
        <translation>部品待ち</translation>
    </message>
    <message>
        <source>NO CAMERA</source>
        <translation>カメラなし</translation>
    </message>
    <message>
        <source>Part no. {id}</source>
        <translation>部品番号 {id}</translation>
    </message>
    <message>
        <source>The line is stopped: press Start</source>
        <translation>ラインは停止中です。「開始」を押してください</translation>
    </message>
    <message>
        <source>Sign in to run the line</source>
        <translation>ラインを動かすにはサインインしてください</translation>
    </message>
    <message>
        <source>No part in front of the camera</source>
        <translation>カメラの前に部品がありません</translation>
    </message>
    <message>
        <source>No picture: the line is stopped</source>
        <translation>画像なし: ラインは停止中です</translation>
    </message>
    <message>
        <source>No picture: nobody is signed in</source>
        <translation>画像なし: 誰もサインインしていません</translation>
    </message>
    <message>
        <source>Waiting for the next picture</source>
        <translation>次の画像を待っています</translation>
    </message>
    <message>
        <source>No picture from the camera</source>
        <translation>カメラから画像が届きません</translation>
    </message>
    <message>
        <source>Take part no. {id} off the line and put it in the review tray.</source>
        <translation>部品番号 {id} をラインから外し、確認トレイに置いてください。</translation>
    </message>
    <message numerus="yes">
        <source>Take these %n parts off the line (review tray): no. {ids}</source>
        <translation>
            <numerusform>この %n 個をラインから外して確認トレイへ: 番号 {ids}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Verdicts</name>
    <message>
        <source>PASS</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>FAIL</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>REVIEW</source>
        <translation>要確認</translation>
    </message>
</context>
</TS>
